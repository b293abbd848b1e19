import { environmentScoped } from './environment-scope';

describe('environmentScoped', () => {
  it('puts the topic prefix in front of group and transactional ids', () => {
    expect(environmentScoped('demo-1.', 'readmit-scoring')).toBe('demo-1.readmit-scoring');
    expect(environmentScoped('', 'readmit-scoring')).toBe('readmit-scoring');
    expect(environmentScoped(undefined, 'readmit-scoring')).toBe('readmit-scoring');
  });

  it('keeps an id that already carries the prefix', () => {
    expect(environmentScoped('demo-1.', 'demo-1.readmit-monitor')).toBe('demo-1.readmit-monitor');
  });
});
