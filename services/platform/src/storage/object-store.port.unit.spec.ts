import { assertValidKey } from './object-store.port';

describe('assertValidKey', () => {
  it.each(['model.onnx', 'models/readmission/v3/model.onnx'])(
    'accepts the relative key %p',
    (key) => {
      expect(() => assertValidKey(key)).not.toThrow();
    },
  );

  it.each(['', '/etc/passwd', '../outside', 'models/../../outside', 'models//v1'])(
    'refuses %p',
    (key) => {
      expect(() => assertValidKey(key)).toThrow(/invalid object key/);
    },
  );
});
