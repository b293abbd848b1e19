import { classificationReport } from './report';
import { subgroupReports } from './subgroups';

describe('subgroupReports', () => {
  const labels = [0, 1, 1, 0, 1, 0, 1];
  const scores = [0.2, 0.9, 0.4, 0.6, 0.7, 0.1, 0.3];
  const groups = ['female', 'male', 'female', 'male', 'female', 'female', 'other'];

  it('reports each group on exactly its own rows', () => {
    const reports = subgroupReports(labels, scores, groups, 0.5);
    expect([...reports.keys()]).toEqual(['female', 'male', 'other']);
    expect(reports.get('female')).toEqual(
      classificationReport([0, 1, 1, 0], [0.2, 0.4, 0.7, 0.1], 0.5),
    );
    expect(reports.get('male')).toEqual(classificationReport([1, 0], [0.9, 0.6], 0.5));
    expect(reports.get('female')).toMatchObject({ count: 4, positives: 2, rocAuc: 1 });
    expect(reports.get('male')).toMatchObject({ count: 2, positives: 1, rocAuc: 1 });
    expect(reports.get('other')?.count).toBe(1);
    expect(reports.get('other')?.rocAuc).toBeNaN();
  });

  it('leaves out groups smaller than minCount', () => {
    const reports = subgroupReports(labels, scores, groups, 0.5, 2);
    expect([...reports.keys()]).toEqual(['female', 'male']);
    expect([...subgroupReports(labels, scores, groups, 0.5, 3).keys()]).toEqual(['female']);
    expect(subgroupReports(labels, scores, groups, 0.5, 10).size).toBe(0);
  });

  it('orders groups by value whatever the row order', () => {
    const reports = subgroupReports([1, 0, 1], [0.5, 0.5, 0.5], ['80+', '18-39', '40-64'], 0.5);
    expect([...reports.keys()]).toEqual(['18-39', '40-64', '80+']);
  });

  it('refuses misaligned groups, a bad minCount and bad rows', () => {
    expect(() => subgroupReports(labels, scores, ['a'], 0.5)).toThrow(/one value per row/);
    expect(() => subgroupReports(labels, scores, groups, 0.5, -1)).toThrow(/minCount/);
    expect(() => subgroupReports([0, 1], [0.5, 1.5], ['a', 'b'], 0.5)).toThrow(
      /probabilities in \[0, 1\] \(row 1 is 1.5\)/,
    );
  });
});
