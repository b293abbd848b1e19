"""Calls the gateway's Open Inference Protocol routes with Triton's own Python client.

Reads a JSON job on stdin: {url, key, model, version, encounters, features}, where encounters
are diabetic_data.csv rows as JSON objects (null for missing) and features are rows already
encoded in the champion's feature order. Prints what the client heard as one JSON object; the
calling test (test/integration/open-inference.int.spec.ts) judges it.
"""

import json
import sys

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException


def column_inputs(metadata, encounters, binary):
    """One tensor per column, typed as the model metadata says, shaped [N, 1] as pandas sends."""
    inputs = []
    for tensor in metadata["inputs"]:
        name = tensor["name"]
        if tensor.get("parameters", {}).get("alternative") or name not in encounters[0]:
            continue
        values = [encounter[name] for encounter in encounters]
        if tensor["datatype"] == "BYTES":
            # Missing text as the UCI file writes it.
            array = np.array(["?" if v is None else str(v) for v in values], dtype=object)
        else:
            array = np.array(values, dtype=np.int64)
        array = array.reshape(len(encounters), 1)
        one = httpclient.InferInput(name, list(array.shape), tensor["datatype"])
        one.set_data_from_numpy(array, binary_data=binary)
        inputs.append(one)
    return inputs


def heard(result):
    response = result.get_response()
    outputs = {}
    for output in response["outputs"]:
        outputs[output["name"]] = result.as_numpy(output["name"]).tolist()
    return {
        "model_name": response["model_name"],
        "model_version": response["model_version"],
        "id": response.get("id"),
        "outputs": outputs,
        "binary": [
            output["name"]
            for output in response["outputs"]
            if "binary_data_size" in output.get("parameters", {})
        ],
    }


def refusal(call):
    try:
        call()
    except InferenceServerException as error:
        return {"status": error.status(), "message": error.message()}
    return None


def main():
    job = json.load(sys.stdin)
    key = job["key"]

    def auth():
        # A dict of its own per call: the client adds Inference-Header-Content-Length to the
        # headers it is given, which would then go with the next (JSON) request too.
        return {"x-api-key": key}

    model, version = job["model"], job["version"]
    client = httpclient.InferenceServerClient(url=job["url"])
    encounters, features = job["encounters"], np.array(job["features"], dtype=np.float32)
    answers = {
        "live": client.is_server_live(headers=auth()),
        "ready": client.is_server_ready(headers=auth()),
        "model_ready": client.is_model_ready(model, headers=auth()),
        "version_ready": client.is_model_ready(model, version, headers=auth()),
        "other_version_ready": client.is_model_ready(model, "v0", headers=auth()),
        "server": client.get_server_metadata(headers=auth()),
        "metadata": client.get_model_metadata(model, headers=auth()),
        "version_metadata": client.get_model_metadata(model, version, headers=auth()),
    }
    metadata = answers["metadata"]

    # One encounter, the client's defaults: binary tensors in, binary outputs back.
    answers["one"] = heard(
        client.infer(model, column_inputs(metadata, encounters[:1], True), headers=auth())
    )
    # Many encounters as JSON, the outputs asked for by name, as JSON.
    answers["many"] = heard(
        client.infer(
            model,
            column_inputs(metadata, encounters, False),
            model_version=version,
            outputs=[
                httpclient.InferRequestedOutput("probability", binary_data=False),
                httpclient.InferRequestedOutput("label", binary_data=False),
            ],
            request_id="many-encounters",
            headers=auth(),
        )
    )
    # The feature tensor, binary in, only the probability asked for.
    tensor = httpclient.InferInput("features", list(features.shape), "FP32")
    tensor.set_data_from_numpy(features, binary_data=True)
    answers["features"] = heard(
        client.infer(
            model,
            [tensor],
            outputs=[httpclient.InferRequestedOutput("probability", binary_data=False)],
            headers=auth(),
        )
    )

    # Refusals, each in the protocol's error shape.
    narrow = httpclient.InferInput("features", [1, 2], "FP32")
    narrow.set_data_from_numpy(np.zeros((1, 2), dtype=np.float32), binary_data=False)
    bad = [dict(encounters[0]), dict(encounters[0], age="[70-85)")]
    answers["refused"] = {
        "unknown_model": refusal(lambda: client.get_model_metadata("other", headers=auth())),
        "unknown_version": refusal(
            lambda: client.infer(
                model, column_inputs(metadata, encounters[:1], False), model_version="v0",
                headers=auth(),
            )
        ),
        "invalid_column": refusal(
            lambda: client.infer(model, column_inputs(metadata, bad, False), headers=auth())
        ),
        "wrong_width": refusal(lambda: client.infer(model, [narrow], headers=auth())),
        "no_key": refusal(lambda: client.get_server_metadata()),
    }
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
