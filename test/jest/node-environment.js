// jest's node environment runs each test file in its own V8 context, with its own typed-array
// constructors. Native addons (onnxruntime-node) hand back typed arrays from the main context,
// which then fail `instanceof Float32Array` checks inside the test's context. Tests see the
// main context's typed-array constructors instead, as the services do at run time.
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'ArrayBuffer',
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Uint16Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
];

class ReadmitNodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = ReadmitNodeEnvironment;
