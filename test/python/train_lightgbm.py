"""A data scientist's notebook, as a script: train LightGBM on a Readmit dataset export and
convert it to ONNX with onnxmltools, ready for `readmit models import`.

    python train_lightgbm.py <export dir> <model.onnx> [--shuffle-labels] [--drop-last-feature]

Also writes <model.onnx>.holdout.json: the model's probability for each holdout encounter,
scored by onnxruntime here, to compare with what Readmit serves.
"""
import argparse
import json

import lightgbm
import numpy as np
import onnxruntime
import pyarrow.parquet as pq
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType

parser = argparse.ArgumentParser()
parser.add_argument("export")
parser.add_argument("model")
parser.add_argument("--shuffle-labels", action="store_true", help="train on noise (a model the registry must refuse)")
parser.add_argument("--drop-last-feature", action="store_true", help="a model of the wrong width")
args = parser.parse_args()

manifest = json.load(open(f"{args.export}/manifest.json"))
features = manifest["columns"]["features"]
if args.drop_last_feature:
    features = features[:-1]


def side(name):
    table = pq.read_table(f"{args.export}/{name}.parquet").to_pandas()
    return table, table[features].to_numpy(np.float32), table[manifest["columns"]["label"]].to_numpy()


_, x_train, y_train = side("train")
_, x_valid, y_valid = side("validation")
holdout, x_holdout, _ = side("holdout")
if args.shuffle_labels:
    y_train = np.random.default_rng(7).permutation(y_train)

model = lightgbm.LGBMClassifier(n_estimators=300, learning_rate=0.03, num_leaves=15, min_child_samples=30, verbose=-1)
model.fit(x_train, y_train, eval_X=(x_valid,), eval_y=(y_valid,), callbacks=[lightgbm.early_stopping(30, verbose=False)])
onnx_model = convert_lightgbm(
    model, initial_types=[("features", FloatTensorType([None, len(features)]))], zipmap=False, target_opset=15
)
with open(args.model, "wb") as out:
    out.write(onnx_model.SerializeToString())

session = onnxruntime.InferenceSession(args.model, providers=["CPUExecutionProvider"])
probabilities = session.run(["probabilities"], {"features": x_holdout})[0][:, 1]
with open(f"{args.model}.holdout.json", "w") as out:
    json.dump(dict(zip(holdout["encounter_id"], map(float, probabilities))), out)
print(json.dumps({"features": len(features), "trees": model.booster_.num_trees(), "holdout": len(probabilities)}))
