// Generated from contracts/avro by `npm run contracts:generate`. Do not edit by hand.
// Self-contained schemas (shared types inlined), as registered in the schema registry.
import type { AvroRecord } from '../avro-schema';
import type { EventType } from './events';

export const EVENT_SCHEMAS: Record<EventType, AvroRecord> = {
  "BackfillCompleted": {
    "type": "record",
    "name": "BackfillCompleted",
    "namespace": "health.readmit.v1",
    "doc": "A backfill ended. Keyed by backfillId on ml.backfills.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "backfillId",
        "type": "string"
      },
      {
        "name": "status",
        "type": {
          "type": "enum",
          "name": "BackfillStatus",
          "symbols": [
            "COMPLETED",
            "CANCELLED",
            "FAILED"
          ]
        }
      },
      {
        "name": "processed",
        "type": "long"
      },
      {
        "name": "durationMs",
        "type": "long"
      },
      {
        "name": "modelVersion",
        "type": "string"
      },
      {
        "name": "reason",
        "type": [
          "null",
          "string"
        ],
        "default": null
      }
    ]
  },
  "BackfillProgressed": {
    "type": "record",
    "name": "BackfillProgressed",
    "namespace": "health.readmit.v1",
    "doc": "A backfill checkpoint: where to resume. Keyed by backfillId on ml.backfills.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "backfillId",
        "type": "string"
      },
      {
        "name": "checkpoints",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "OffsetRange",
            "namespace": "health.readmit.v1",
            "doc": "A half-open range [fromOffset, toOffset) of one topic partition: lineage of a batch or a dataset.",
            "fields": [
              {
                "name": "topic",
                "type": "string"
              },
              {
                "name": "partition",
                "type": "int"
              },
              {
                "name": "fromOffset",
                "type": "long",
                "doc": "First offset included."
              },
              {
                "name": "toOffset",
                "type": "long",
                "doc": "First offset not included."
              }
            ]
          }
        },
        "doc": "Per partition, fromOffset is where the backfill started and toOffset what it has finished."
      },
      {
        "name": "processed",
        "type": "long"
      },
      {
        "name": "total",
        "type": [
          "null",
          "long"
        ],
        "default": null
      },
      {
        "name": "ratePerSecond",
        "type": "double"
      },
      {
        "name": "modelVersion",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "doc": "The version scoring it (resolved once when 'champion' was asked), so a resumed backfill keeps it."
      },
      {
        "name": "ranges",
        "type": {
          "type": "array",
          "items": "health.readmit.v1.OffsetRange"
        },
        "default": [],
        "doc": "The range of each partition, fixed when the backfill started, so a resumed one reads the same records."
      }
    ]
  },
  "BackfillRequested": {
    "type": "record",
    "name": "BackfillRequested",
    "namespace": "health.readmit.v1",
    "doc": "Re-score a range of the encounter log with a model version. Keyed by backfillId on ml.backfills.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "backfillId",
        "type": "string"
      },
      {
        "name": "fromTime",
        "type": [
          "null",
          {
            "type": "long",
            "logicalType": "timestamp-millis"
          }
        ],
        "default": null
      },
      {
        "name": "toTime",
        "type": [
          "null",
          {
            "type": "long",
            "logicalType": "timestamp-millis"
          }
        ],
        "default": null
      },
      {
        "name": "offsetRanges",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "OffsetRange",
            "namespace": "health.readmit.v1",
            "doc": "A half-open range [fromOffset, toOffset) of one topic partition: lineage of a batch or a dataset.",
            "fields": [
              {
                "name": "topic",
                "type": "string"
              },
              {
                "name": "partition",
                "type": "int"
              },
              {
                "name": "fromOffset",
                "type": "long",
                "doc": "First offset included."
              },
              {
                "name": "toOffset",
                "type": "long",
                "doc": "First offset not included."
              }
            ]
          }
        },
        "doc": "Used instead of the time range when not empty."
      },
      {
        "name": "modelVersion",
        "type": "string",
        "doc": "A version, or 'champion'."
      },
      {
        "name": "targets",
        "type": {
          "type": "array",
          "items": {
            "type": "enum",
            "name": "BackfillTarget",
            "symbols": [
              "TOPIC",
              "TABLE"
            ]
          }
        }
      },
      {
        "name": "maxRatePerSecond",
        "type": [
          "null",
          "double"
        ],
        "default": null,
        "doc": "Throttle so live scoring keeps its latency."
      },
      {
        "name": "requestedBy",
        "type": "string"
      }
    ]
  },
  "BatchArrived": {
    "type": "record",
    "name": "BatchArrived",
    "namespace": "health.readmit.v1",
    "doc": "Enough new labelled encounters (or a time window) have arrived since the last batch. Keyed by batchId on ml.batches.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "batchId",
        "type": "string"
      },
      {
        "name": "sequence",
        "type": "long",
        "doc": "1 for the first batch, then consecutive."
      },
      {
        "name": "trigger",
        "type": {
          "type": "enum",
          "name": "BatchTrigger",
          "symbols": [
            "COUNT",
            "TIME_WINDOW"
          ]
        }
      },
      {
        "name": "encounterRanges",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "OffsetRange",
            "namespace": "health.readmit.v1",
            "doc": "A half-open range [fromOffset, toOffset) of one topic partition: lineage of a batch or a dataset.",
            "fields": [
              {
                "name": "topic",
                "type": "string"
              },
              {
                "name": "partition",
                "type": "int"
              },
              {
                "name": "fromOffset",
                "type": "long",
                "doc": "First offset included."
              },
              {
                "name": "toOffset",
                "type": "long",
                "doc": "First offset not included."
              }
            ]
          }
        }
      },
      {
        "name": "outcomeRanges",
        "type": {
          "type": "array",
          "items": "health.readmit.v1.OffsetRange"
        }
      },
      {
        "name": "encounterCount",
        "type": "long"
      },
      {
        "name": "labeledCount",
        "type": "long"
      },
      {
        "name": "labelCounts",
        "type": {
          "type": "map",
          "values": "long"
        },
        "doc": "Outcomes per ReadmissionClass symbol."
      },
      {
        "name": "windowStart",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        }
      },
      {
        "name": "windowEnd",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        }
      },
      {
        "name": "profile",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "FeatureProfile",
            "doc": "A summary of one column over the batch.",
            "fields": [
              {
                "name": "feature",
                "type": "string"
              },
              {
                "name": "count",
                "type": "long"
              },
              {
                "name": "missing",
                "type": "long"
              },
              {
                "name": "mean",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "stddev",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "min",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "max",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "topCategories",
                "type": [
                  "null",
                  {
                    "type": "map",
                    "values": "long"
                  }
                ],
                "default": null
              }
            ]
          }
        }
      }
    ]
  },
  "ChallengerAssigned": {
    "type": "record",
    "name": "ChallengerAssigned",
    "namespace": "health.readmit.v1",
    "doc": "A version became the challenger: scored beside the champion on live traffic (shadow) until it is promoted or rejected. Keyed by modelName on ml.models.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "modelName",
        "type": "string"
      },
      {
        "name": "version",
        "type": "string"
      },
      {
        "name": "previousChallenger",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "doc": "The challenger it replaces, which goes back to candidate."
      },
      {
        "name": "artifactUri",
        "type": "string"
      },
      {
        "name": "artifactSha256",
        "type": "string"
      },
      {
        "name": "threshold",
        "type": "double"
      },
      {
        "name": "decidedBy",
        "type": "string"
      },
      {
        "name": "reason",
        "type": "string"
      },
      {
        "name": "criteria",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "PromotionCriterion",
            "namespace": "health.readmit.v1",
            "doc": "One rule of the promotion policy with the values it was judged on.",
            "fields": [
              {
                "name": "name",
                "type": "string",
                "doc": "e.g. holdout_auc_margin, brier_tolerance, subgroup_auc_drop, artifact_verified."
              },
              {
                "name": "candidate",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "champion",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "threshold",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "passed",
                "type": "boolean"
              },
              {
                "name": "detail",
                "type": [
                  "null",
                  "string"
                ],
                "default": null
              }
            ]
          }
        }
      }
    ]
  },
  "DriftDetected": {
    "type": "record",
    "name": "DriftDetected",
    "namespace": "health.readmit.v1",
    "doc": "A monitoring window departed from the model's reference profile. Keyed by modelVersion on ml.drift.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "modelName",
        "type": "string"
      },
      {
        "name": "modelVersion",
        "type": "string"
      },
      {
        "name": "kind",
        "type": {
          "type": "enum",
          "name": "DriftKind",
          "symbols": [
            "DATA",
            "PREDICTION",
            "PERFORMANCE"
          ]
        }
      },
      {
        "name": "severity",
        "type": {
          "type": "enum",
          "name": "DriftSeverity",
          "symbols": [
            "LOW",
            "MEDIUM",
            "HIGH"
          ]
        }
      },
      {
        "name": "windowStart",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        }
      },
      {
        "name": "windowEnd",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        }
      },
      {
        "name": "windowSize",
        "type": "long"
      },
      {
        "name": "datasetDrift",
        "type": "boolean",
        "doc": "True when the share of drifted features crossed its threshold."
      },
      {
        "name": "driftedFeatures",
        "type": {
          "type": "array",
          "items": "string"
        }
      },
      {
        "name": "statistics",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "DriftStatistic",
            "fields": [
              {
                "name": "feature",
                "type": "string"
              },
              {
                "name": "test",
                "type": "string",
                "doc": "psi, ks, chi_square, wasserstein, auc_drop, brier_rise."
              },
              {
                "name": "value",
                "type": "double"
              },
              {
                "name": "pValue",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "threshold",
                "type": "double"
              },
              {
                "name": "drifted",
                "type": "boolean"
              }
            ]
          }
        }
      }
    ]
  },
  "ModelImportRequested": {
    "type": "record",
    "name": "ModelImportRequested",
    "namespace": "health.readmit.v1",
    "doc": "An externally trained ONNX model was uploaded to be judged like a training run's: the trainer scores it on the holdout of the log as of asOf and answers with TrainingCompleted (algorithm external) or TrainingFailed, under the same runId. Keyed by runId on ml.training.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "runId",
        "type": "string"
      },
      {
        "name": "modelName",
        "type": "string"
      },
      {
        "name": "task",
        "type": {
          "type": "enum",
          "name": "ReadmissionTask",
          "symbols": [
            "ANY_READMISSION",
            "WITHIN_30_DAYS"
          ]
        }
      },
      {
        "name": "asOf",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "The model is judged on the holdout of the training set as of this time."
      },
      {
        "name": "stagedArtifactUri",
        "type": "string",
        "doc": "The uploaded ONNX file, as received, in the object store."
      },
      {
        "name": "stagedArtifactSha256",
        "type": "string"
      },
      {
        "name": "featureSpecId",
        "type": "string",
        "doc": "The feature spec (of a dataset export, fs1-…) the model's FP32 [N, F] input follows."
      },
      {
        "name": "threshold",
        "type": [
          "null",
          "double"
        ],
        "default": null,
        "doc": "The uploader's decision threshold; null: chosen by F1 on the validation side, as for our own models."
      },
      {
        "name": "framework",
        "type": "string",
        "doc": "What trained it, as the uploader says (lightgbm, xgboost, sklearn, …); recorded, not checked."
      },
      {
        "name": "claimedMetrics",
        "type": {
          "type": "map",
          "values": "double"
        },
        "doc": "Metrics the uploader reported: recorded beside the registry's own, never used to decide."
      },
      {
        "name": "requestedBy",
        "type": "string",
        "doc": "The authenticated principal who uploaded it."
      }
    ]
  },
  "ModelPromoted": {
    "type": "record",
    "name": "ModelPromoted",
    "namespace": "health.readmit.v1",
    "doc": "A model version became champion. Keyed by modelName on ml.models.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "modelName",
        "type": "string"
      },
      {
        "name": "version",
        "type": "string"
      },
      {
        "name": "previousVersion",
        "type": [
          "null",
          "string"
        ],
        "default": null
      },
      {
        "name": "artifactUri",
        "type": "string"
      },
      {
        "name": "artifactSha256",
        "type": "string"
      },
      {
        "name": "threshold",
        "type": "double"
      },
      {
        "name": "mode",
        "type": {
          "type": "enum",
          "name": "DecisionMode",
          "symbols": [
            "AUTOMATIC",
            "MANUAL"
          ]
        }
      },
      {
        "name": "decidedBy",
        "type": "string"
      },
      {
        "name": "reason",
        "type": "string"
      },
      {
        "name": "criteria",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "PromotionCriterion",
            "namespace": "health.readmit.v1",
            "doc": "One rule of the promotion policy with the values it was judged on.",
            "fields": [
              {
                "name": "name",
                "type": "string",
                "doc": "e.g. holdout_auc_margin, brier_tolerance, subgroup_auc_drop, artifact_verified."
              },
              {
                "name": "candidate",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "champion",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "threshold",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "passed",
                "type": "boolean"
              },
              {
                "name": "detail",
                "type": [
                  "null",
                  "string"
                ],
                "default": null
              }
            ]
          }
        }
      }
    ]
  },
  "ModelRejected": {
    "type": "record",
    "name": "ModelRejected",
    "namespace": "health.readmit.v1",
    "doc": "A candidate was not promoted, with every criterion's values. Keyed by modelName on ml.models.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "modelName",
        "type": "string"
      },
      {
        "name": "version",
        "type": "string"
      },
      {
        "name": "championVersion",
        "type": [
          "null",
          "string"
        ],
        "default": null
      },
      {
        "name": "decidedBy",
        "type": "string"
      },
      {
        "name": "reason",
        "type": "string"
      },
      {
        "name": "criteria",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "PromotionCriterion",
            "namespace": "health.readmit.v1",
            "doc": "One rule of the promotion policy with the values it was judged on.",
            "fields": [
              {
                "name": "name",
                "type": "string",
                "doc": "e.g. holdout_auc_margin, brier_tolerance, subgroup_auc_drop, artifact_verified."
              },
              {
                "name": "candidate",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "champion",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "threshold",
                "type": [
                  "null",
                  "double"
                ],
                "default": null
              },
              {
                "name": "passed",
                "type": "boolean"
              },
              {
                "name": "detail",
                "type": [
                  "null",
                  "string"
                ],
                "default": null
              }
            ]
          }
        }
      }
    ]
  },
  "ModelRolledBack": {
    "type": "record",
    "name": "ModelRolledBack",
    "namespace": "health.readmit.v1",
    "doc": "The champion was replaced by an earlier version. Keyed by modelName on ml.models.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "modelName",
        "type": "string"
      },
      {
        "name": "fromVersion",
        "type": "string"
      },
      {
        "name": "toVersion",
        "type": "string"
      },
      {
        "name": "artifactUri",
        "type": "string"
      },
      {
        "name": "artifactSha256",
        "type": "string"
      },
      {
        "name": "threshold",
        "type": "double"
      },
      {
        "name": "decidedBy",
        "type": "string"
      },
      {
        "name": "reason",
        "type": "string"
      }
    ]
  },
  "TrainingCompleted": {
    "type": "record",
    "name": "TrainingCompleted",
    "namespace": "health.readmit.v1",
    "doc": "A training run produced a model artifact. Keyed by runId on ml.training.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "runId",
        "type": "string"
      },
      {
        "name": "modelName",
        "type": "string"
      },
      {
        "name": "modelVersion",
        "type": "string"
      },
      {
        "name": "algorithm",
        "type": "string"
      },
      {
        "name": "params",
        "type": {
          "type": "map",
          "values": "string"
        }
      },
      {
        "name": "artifactUri",
        "type": "string"
      },
      {
        "name": "artifactSha256",
        "type": "string"
      },
      {
        "name": "featureSpecVersion",
        "type": "string"
      },
      {
        "name": "threshold",
        "type": "double"
      },
      {
        "name": "metrics",
        "type": {
          "type": "map",
          "values": "double"
        },
        "doc": "Holdout metrics: roc_auc, pr_auc, log_loss, brier, …"
      },
      {
        "name": "subgroupMetrics",
        "type": {
          "type": "array",
          "items": {
            "type": "record",
            "name": "SubgroupMetrics",
            "fields": [
              {
                "name": "attribute",
                "type": "string",
                "doc": "race, gender or age_band."
              },
              {
                "name": "group",
                "type": "string"
              },
              {
                "name": "count",
                "type": "long"
              },
              {
                "name": "metrics",
                "type": {
                  "type": "map",
                  "values": "double"
                }
              }
            ]
          }
        }
      },
      {
        "name": "lineage",
        "type": {
          "type": "record",
          "name": "TrainingLineage",
          "fields": [
            {
              "name": "encounterRanges",
              "type": {
                "type": "array",
                "items": {
                  "type": "record",
                  "name": "OffsetRange",
                  "namespace": "health.readmit.v1",
                  "doc": "A half-open range [fromOffset, toOffset) of one topic partition: lineage of a batch or a dataset.",
                  "fields": [
                    {
                      "name": "topic",
                      "type": "string"
                    },
                    {
                      "name": "partition",
                      "type": "int"
                    },
                    {
                      "name": "fromOffset",
                      "type": "long",
                      "doc": "First offset included."
                    },
                    {
                      "name": "toOffset",
                      "type": "long",
                      "doc": "First offset not included."
                    }
                  ]
                }
              }
            },
            {
              "name": "outcomeRanges",
              "type": {
                "type": "array",
                "items": "health.readmit.v1.OffsetRange"
              }
            },
            {
              "name": "batchIds",
              "type": {
                "type": "array",
                "items": "string"
              }
            },
            {
              "name": "trainRows",
              "type": "long"
            },
            {
              "name": "validationRows",
              "type": "long"
            },
            {
              "name": "holdoutRows",
              "type": "long"
            },
            {
              "name": "holdoutId",
              "type": "string",
              "doc": "Digest of the holdout set, so two models are compared on the same rows."
            }
          ]
        }
      },
      {
        "name": "durationMs",
        "type": "long"
      },
      {
        "name": "championEvaluation",
        "type": [
          "null",
          {
            "type": "record",
            "name": "ChampionEvaluation",
            "doc": "The champion of the time scored on this run's holdout, so the registry compares both models on the same rows.",
            "fields": [
              {
                "name": "version",
                "type": "string"
              },
              {
                "name": "artifactSha256",
                "type": "string"
              },
              {
                "name": "threshold",
                "type": "double"
              },
              {
                "name": "metrics",
                "type": {
                  "type": "map",
                  "values": "double"
                }
              },
              {
                "name": "subgroupMetrics",
                "type": {
                  "type": "array",
                  "items": "health.readmit.v1.SubgroupMetrics"
                }
              }
            ]
          }
        ],
        "default": null,
        "doc": "Null when there was no champion, or it could not be scored (another target, an unreadable artifact)."
      }
    ]
  },
  "TrainingFailed": {
    "type": "record",
    "name": "TrainingFailed",
    "namespace": "health.readmit.v1",
    "doc": "A training run ended without a model. Keyed by runId on ml.training.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "runId",
        "type": "string"
      },
      {
        "name": "modelName",
        "type": "string"
      },
      {
        "name": "stage",
        "type": "string",
        "doc": "dataset, training, export or upload."
      },
      {
        "name": "reason",
        "type": "string"
      },
      {
        "name": "retriable",
        "type": "boolean"
      }
    ]
  },
  "TrainingRequested": {
    "type": "record",
    "name": "TrainingRequested",
    "namespace": "health.readmit.v1",
    "doc": "A training run is asked for. Keyed by runId on ml.training.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "runId",
        "type": "string"
      },
      {
        "name": "modelName",
        "type": "string"
      },
      {
        "name": "reason",
        "type": {
          "type": "enum",
          "name": "TrainingReason",
          "symbols": [
            "BATCH_ARRIVED",
            "DRIFT_DETECTED",
            "MANUAL"
          ]
        }
      },
      {
        "name": "triggeredBy",
        "type": {
          "type": "array",
          "items": "string"
        },
        "doc": "eventIds of the BatchArrived / DriftDetected events behind the request."
      },
      {
        "name": "task",
        "type": {
          "type": "enum",
          "name": "ReadmissionTask",
          "symbols": [
            "ANY_READMISSION",
            "WITHIN_30_DAYS"
          ]
        }
      },
      {
        "name": "asOf",
        "type": {
          "type": "long",
          "logicalType": "timestamp-millis"
        },
        "doc": "Only outcomes known at this time enter the training set."
      },
      {
        "name": "candidates",
        "type": {
          "type": "array",
          "items": "string"
        },
        "doc": "Algorithms to try, e.g. logistic_regression, gbdt."
      },
      {
        "name": "requestedBy",
        "type": "string"
      }
    ]
  },
  "EncounterRecorded": {
    "type": "record",
    "name": "EncounterRecorded",
    "namespace": "health.readmit.v1",
    "doc": "A patient encounter (one row of diabetic_data.csv without its label, which arrives later as OutcomeRecorded). Keyed by the encounter_id pseudonym on patient.encounters. Field names follow the CSV columns; '-' becomes '_' because Avro names cannot hold it.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "encounter_id",
        "type": [
          "string",
          "long"
        ],
        "pseudonym": "encounter",
        "doc": "Pseudonym of the encounter identifier (CSV: encounter_id): enc_ and 22 base64url characters of an HMAC-SHA-256 under the site key. Written as a long (the clear id) before pseudonyms; readers see those as legacy:<id>. Never logged."
      },
      {
        "name": "patient_nbr",
        "type": [
          "string",
          "long"
        ],
        "pseudonym": "patient",
        "doc": "Pseudonym of the patient identifier (CSV: patient_nbr): pat_ and 22 base64url characters of an HMAC-SHA-256 under the site key. Written as a long (the clear id) before pseudonyms; readers see those as legacy:<id>. Never logged."
      },
      {
        "name": "race",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "CSV: race; null where the data has '?'."
      },
      {
        "name": "gender",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: gender (Female, Male, Unknown/Invalid)."
      },
      {
        "name": "age",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: age, a ten-year band such as [70-80)."
      },
      {
        "name": "weight",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "CSV: weight band in pounds such as [75-100); mostly missing."
      },
      {
        "name": "admission_type_id",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: admission_type_id; text in IDs_mapping.csv."
      },
      {
        "name": "discharge_disposition_id",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: discharge_disposition_id; text in IDs_mapping.csv."
      },
      {
        "name": "admission_source_id",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: admission_source_id; text in IDs_mapping.csv."
      },
      {
        "name": "time_in_hospital",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: time_in_hospital, days (1-14)."
      },
      {
        "name": "admittedAt",
        "type": [
          "null",
          {
            "type": "long",
            "logicalType": "timestamp-millis"
          }
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "When the stay began (FHIR: Encounter.period.start), UTC. Null when the sender gives no dates, as the UCI table does. Needed to derive readmission labels from the stream; a date, so sealed. CSV: the optional column admitted_at (ISO 8601)."
      },
      {
        "name": "dischargedAt",
        "type": [
          "null",
          {
            "type": "long",
            "logicalType": "timestamp-millis"
          }
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "When the patient was discharged (FHIR: Encounter.period.end), UTC; never before admittedAt. Null when the sender gives no dates. Readmission windows run from it. CSV: the optional column discharged_at (ISO 8601)."
      },
      {
        "name": "payer_code",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "CSV: payer_code; null where '?'."
      },
      {
        "name": "medical_specialty",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "CSV: medical_specialty of the admitting physician; null where '?'."
      },
      {
        "name": "num_lab_procedures",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: num_lab_procedures."
      },
      {
        "name": "num_procedures",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: num_procedures (non-lab)."
      },
      {
        "name": "num_medications",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: num_medications, distinct generic names administered."
      },
      {
        "name": "number_outpatient",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: number_outpatient visits in the year before."
      },
      {
        "name": "number_emergency",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: number_emergency visits in the year before."
      },
      {
        "name": "number_inpatient",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: number_inpatient visits in the year before."
      },
      {
        "name": "diag_1",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "CSV: diag_1, primary diagnosis code kept as text, in diagnosisCodeSystem (ICD-9-CM 250.83, V57, E888; ICD-10-CM E11.9, E119)."
      },
      {
        "name": "diag_2",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "CSV: diag_2, secondary diagnosis code as text, in diagnosisCodeSystem."
      },
      {
        "name": "diag_3",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "CSV: diag_3, additional secondary diagnosis code as text, in diagnosisCodeSystem."
      },
      {
        "name": "diagnosisCodeSystem",
        "type": [
          "null",
          {
            "type": "enum",
            "name": "DiagnosisCodeSystem",
            "namespace": "health.readmit.v1",
            "symbols": [
              "ICD9CM",
              "ICD10CM"
            ],
            "doc": "ICD9CM: ICD-9-CM (the UCI table, discharges before October 2015); ICD10CM: ICD-10-CM."
          }
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "The code system of diag_1, diag_2 and diag_3 (an inpatient stay is coded in the system of its discharge date, so its diagnoses share one). Null: ICD-9-CM, as in the UCI table and every event written before this field. CSV: the optional column diag_code_system."
      },
      {
        "name": "number_diagnoses",
        "type": [
          "null",
          "int"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: number_diagnoses entered."
      },
      {
        "name": "max_glu_serum",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "CSV: max_glu_serum (None, Norm, >200, >300); 'None' means not measured."
      },
      {
        "name": "A1Cresult",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "CSV: A1Cresult (None, Norm, >7, >8); 'None' means not measured."
      },
      {
        "name": "metformin",
        "type": [
          "null",
          {
            "type": "enum",
            "name": "MedicationChange",
            "namespace": "health.readmit.v1",
            "doc": "Whether a medication was prescribed and how its dosage changed.",
            "symbols": [
              "No",
              "Steady",
              "Up",
              "Down"
            ]
          }
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: metformin."
      },
      {
        "name": "repaglinide",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: repaglinide."
      },
      {
        "name": "nateglinide",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: nateglinide."
      },
      {
        "name": "chlorpropamide",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: chlorpropamide."
      },
      {
        "name": "glimepiride",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: glimepiride."
      },
      {
        "name": "acetohexamide",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: acetohexamide."
      },
      {
        "name": "glipizide",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: glipizide."
      },
      {
        "name": "glyburide",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: glyburide."
      },
      {
        "name": "tolbutamide",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: tolbutamide."
      },
      {
        "name": "pioglitazone",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: pioglitazone."
      },
      {
        "name": "rosiglitazone",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: rosiglitazone."
      },
      {
        "name": "acarbose",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: acarbose."
      },
      {
        "name": "miglitol",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: miglitol."
      },
      {
        "name": "troglitazone",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: troglitazone."
      },
      {
        "name": "tolazamide",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: tolazamide."
      },
      {
        "name": "examide",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: examide."
      },
      {
        "name": "citoglipton",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: citoglipton."
      },
      {
        "name": "insulin",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: insulin."
      },
      {
        "name": "glyburide_metformin",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: glyburide-metformin."
      },
      {
        "name": "glipizide_metformin",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: glipizide-metformin."
      },
      {
        "name": "glimepiride_pioglitazone",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: glimepiride-pioglitazone."
      },
      {
        "name": "metformin_rosiglitazone",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: metformin-rosiglitazone."
      },
      {
        "name": "metformin_pioglitazone",
        "type": [
          "null",
          "health.readmit.v1.MedicationChange"
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: metformin-pioglitazone."
      },
      {
        "name": "change",
        "type": [
          "null",
          {
            "type": "enum",
            "name": "MedicationsChanged",
            "namespace": "health.readmit.v1",
            "symbols": [
              "No",
              "Ch"
            ]
          }
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: change, whether any diabetic medication changed (Ch) or not (No)."
      },
      {
        "name": "diabetesMed",
        "type": [
          "null",
          {
            "type": "enum",
            "name": "DiabetesMedicationPrescribed",
            "namespace": "health.readmit.v1",
            "symbols": [
              "No",
              "Yes"
            ]
          }
        ],
        "default": null,
        "sealed": "required",
        "doc": "CSV: diabetesMed, whether any diabetic medication was prescribed."
      },
      {
        "name": "recordedAt",
        "type": [
          "null",
          {
            "type": "long",
            "logicalType": "timestamp-millis"
          }
        ],
        "default": null,
        "sealed": "required",
        "doc": "When the encounter was recorded (discharge time for live data, ingest time for historical loads)."
      },
      {
        "name": "source",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "sealed": "required",
        "doc": "Where the record came from, e.g. csv:diabetic_data.csv, http, synthetic:seed=7."
      },
      {
        "name": "sealedFields",
        "type": [
          "null",
          "bytes"
        ],
        "default": null,
        "doc": "The fields marked \"sealed\", encrypted together under the patient's data key (AES-256-GCM; Avro binary of those fields, see docs/security.md). When set, every sealed field is null on the wire; when null, the sealed fields are in the clear (written before sealing, or by a site that does not seal). Forgetting the patient destroys the key: these bytes then open for no one."
      }
    ]
  },
  "OutcomeRecorded": {
    "type": "record",
    "name": "OutcomeRecorded",
    "namespace": "health.readmit.v1",
    "doc": "The readmission outcome of an encounter (CSV: readmitted), known weeks after discharge. Keyed by the encounter_id pseudonym on patient.outcomes.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "encounter_id",
        "type": [
          "string",
          "long"
        ],
        "pseudonym": "encounter",
        "doc": "Pseudonym of the encounter identifier (as in EncounterRecorded); legacy:<id> when written as a long before pseudonyms. Never logged."
      },
      {
        "name": "patient_nbr",
        "type": [
          "string",
          "long"
        ],
        "pseudonym": "patient",
        "doc": "Pseudonym of the patient identifier (as in EncounterRecorded); legacy:<id> when written as a long before pseudonyms. Never logged."
      },
      {
        "name": "readmitted",
        "type": [
          "null",
          {
            "type": "enum",
            "name": "ReadmissionClass",
            "namespace": "health.readmit.v1",
            "symbols": [
              "NO",
              "AFTER_30_DAYS",
              "WITHIN_30_DAYS"
            ],
            "doc": "CSV readmitted: NO, >30 (AFTER_30_DAYS) or <30 (WITHIN_30_DAYS)."
          }
        ],
        "default": null,
        "sealed": "required"
      },
      {
        "name": "recordedAt",
        "type": [
          "null",
          {
            "type": "long",
            "logicalType": "timestamp-millis"
          }
        ],
        "default": null,
        "sealed": "required",
        "doc": "When the outcome became known."
      },
      {
        "name": "derivation",
        "type": [
          "null",
          {
            "type": "enum",
            "name": "OutcomeDerivation",
            "namespace": "health.readmit.v1",
            "symbols": [
              "REPORTED",
              "DERIVED"
            ],
            "doc": "REPORTED: a label the sender gave (the UCI readmitted column, a corrected outcome); DERIVED: the readmission labeller found it from the patient's later admissions on the log."
          }
        ],
        "default": null,
        "doc": "How the outcome became known. Null: REPORTED, as every outcome written before this field. A reported outcome wins over a derived one for the same encounter."
      },
      {
        "name": "sealedFields",
        "type": [
          "null",
          "bytes"
        ],
        "default": null,
        "doc": "The fields marked \"sealed\", encrypted together under the patient's data key (AES-256-GCM; Avro binary of those fields, see docs/security.md). When set, every sealed field is null on the wire; when null, the sealed fields are in the clear (written before sealing, or by a site that does not seal). Forgetting the patient destroys the key: these bytes then open for no one."
      }
    ]
  },
  "PredictionMade": {
    "type": "record",
    "name": "PredictionMade",
    "namespace": "health.readmit.v1",
    "doc": "A readmission risk score for one encounter. Keyed by the encounter_id pseudonym on patient.predictions.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "encounter_id",
        "type": [
          "string",
          "long"
        ],
        "pseudonym": "encounter",
        "doc": "Pseudonym of the encounter identifier (as in EncounterRecorded); legacy:<id> when written as a long before pseudonyms. Never logged."
      },
      {
        "name": "patient_nbr",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "pseudonym": "patient",
        "doc": "Pseudonym of the encounter's patient (as in EncounterRecorded): whose data key seals the score. Null in predictions written before predictions were sealed. Never logged."
      },
      {
        "name": "score",
        "type": [
          "null",
          "double"
        ],
        "default": null,
        "sealed": "required",
        "doc": "Predicted probability of readmission."
      },
      {
        "name": "label",
        "type": [
          "null",
          "boolean"
        ],
        "default": null,
        "sealed": "required",
        "doc": "score >= threshold."
      },
      {
        "name": "threshold",
        "type": "double"
      },
      {
        "name": "modelName",
        "type": "string"
      },
      {
        "name": "modelVersion",
        "type": "string"
      },
      {
        "name": "sourceTopic",
        "type": "string"
      },
      {
        "name": "sourcePartition",
        "type": "int"
      },
      {
        "name": "sourceOffset",
        "type": "long"
      },
      {
        "name": "latencyMs",
        "type": "double",
        "doc": "From consuming the encounter to producing the prediction."
      },
      {
        "name": "contributions",
        "type": [
          "null",
          {
            "type": "array",
            "items": {
              "type": "record",
              "name": "FeatureContribution",
              "fields": [
                {
                  "name": "feature",
                  "type": "string"
                },
                {
                  "name": "value",
                  "type": "double"
                }
              ]
            }
          }
        ],
        "default": null,
        "sealed": "nullable",
        "doc": "Top contributing features when an explanation was asked for."
      },
      {
        "name": "sealedFields",
        "type": [
          "null",
          "bytes"
        ],
        "default": null,
        "doc": "The fields marked \"sealed\" (score, label, contributions), encrypted together under the patient's data key (AES-256-GCM; Avro binary of those fields, see docs/security.md). When set, every sealed field is null on the wire; when null, they are in the clear (written before predictions were sealed, or by a site that does not seal). Forgetting the patient destroys the key: the score then opens for no one."
      }
    ]
  },
  "AuditRecorded": {
    "type": "record",
    "name": "AuditRecorded",
    "namespace": "health.readmit.v1",
    "doc": "Who did what, when, and how it ended: one per state-changing request a service answered (allowed or refused). Keyed by principal on readmit.audit; kept forever. Carries pseudonyms only, never a patient identifier or a credential.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "principal",
        "type": "string",
        "doc": "The authenticated principal's id (an API key's name, an OIDC subject), or 'anonymous' when no credential was accepted."
      },
      {
        "name": "authMethod",
        "type": "string",
        "doc": "How the principal was authenticated: api-key, oidc, console-session, or none."
      },
      {
        "name": "roles",
        "type": {
          "type": "array",
          "items": "string"
        },
        "default": [],
        "doc": "The roles the principal held for this request."
      },
      {
        "name": "service",
        "type": "string",
        "doc": "The service that answered (gateway, ingest, registry, …)."
      },
      {
        "name": "action",
        "type": "string",
        "doc": "What was asked, e.g. model.promote, model.rollback, encounters.upload, patient.forget."
      },
      {
        "name": "resource",
        "type": "string",
        "doc": "What it was asked of, e.g. models/readmission/versions/7 (pseudonyms only)."
      },
      {
        "name": "outcome",
        "type": "string",
        "doc": "succeeded (2xx), refused (401, 403: not authenticated or not allowed), rejected (other 4xx), or failed (5xx)."
      },
      {
        "name": "status",
        "type": "int",
        "doc": "The HTTP status answered."
      },
      {
        "name": "requestId",
        "type": [
          "null",
          "string"
        ],
        "default": null,
        "doc": "The request's correlation id, to find its events and log lines."
      }
    ]
  },
  "PatientForgotten": {
    "type": "record",
    "name": "PatientForgotten",
    "namespace": "health.readmit.v1",
    "doc": "A patient's data key was destroyed (crypto-shredding): from here on, the sealed fields of every event about them open for no one, and every reader drops what it kept about them. Keyed by the patient pseudonym on patient.forgotten; kept forever so rebuilt projections forget too.",
    "fields": [
      {
        "name": "envelope",
        "type": {
          "type": "record",
          "name": "Envelope",
          "namespace": "health.readmit.v1",
          "doc": "Metadata every Readmit event carries; also sent as Kafka headers.",
          "fields": [
            {
              "name": "eventId",
              "type": {
                "type": "string",
                "logicalType": "uuid"
              },
              "doc": "Unique id of this event."
            },
            {
              "name": "eventType",
              "type": "string",
              "doc": "The event's record name, e.g. ModelPromoted."
            },
            {
              "name": "occurredAt",
              "type": {
                "type": "long",
                "logicalType": "timestamp-millis"
              },
              "doc": "When the fact happened."
            },
            {
              "name": "correlationId",
              "type": "string",
              "doc": "Shared by every event of one flow (an upload, a training run, a backfill)."
            },
            {
              "name": "causationId",
              "type": [
                "null",
                "string"
              ],
              "default": null,
              "doc": "The eventId of the event that caused this one; null for a flow's first event."
            },
            {
              "name": "producer",
              "type": "string",
              "doc": "The service (and version) that wrote the event, e.g. ingest@0.1.0."
            }
          ]
        }
      },
      {
        "name": "patient_nbr",
        "type": [
          "string",
          "long"
        ],
        "pseudonym": "patient",
        "doc": "Pseudonym of the forgotten patient. Never logged."
      },
      {
        "name": "requestedBy",
        "type": "string",
        "doc": "The authenticated principal who asked (an API key's name, an OIDC subject, or a CLI operator's name)."
      },
      {
        "name": "keyDestroyed",
        "type": "boolean",
        "doc": "True when a data key was destroyed; false when the patient had none (nothing sealed yet, or forgotten before)."
      }
    ]
  }
};
