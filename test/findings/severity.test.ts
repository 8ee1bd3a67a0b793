import { severityBand } from '../../src/findings';

describe('severityBand', () => {
  it.each([
    [1.0, 'Low'],
    [3.9, 'Low'],
    [4.0, 'Medium'],
    [6.9, 'Medium'],
    [7.0, 'High'],
    [8.9, 'High'],
    [9.0, 'Critical'],
    [10.0, 'Critical'],
  ])('%p is %s', (severity, band) => {
    expect(severityBand(severity)).toBe(band);
  });
});
