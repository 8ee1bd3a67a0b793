import { auc, recallAtFalsePositiveRate } from '../../src/ipinsights/evaluation';

const scores = (...values: number[]) => Float64Array.from(values);

describe('auc', () => {
  it('is 1 for perfect separation, 0 for the reverse and 0.5 for ties', () => {
    expect(auc(scores(3, 4), scores(1, 2))).toBe(1);
    expect(auc(scores(1, 2), scores(3, 4))).toBe(0);
    expect(auc(scores(1, 1), scores(1, 1))).toBe(0.5);
  });

  it('counts each positive-negative pair, ties half', () => {
    // Pairs: (2>1) (2=2) (2<3) (4>1) (4>2) (4>3) → 4.5 of 6.
    expect(auc(scores(2, 4), scores(1, 2, 3))).toBeCloseTo(4.5 / 6, 12);
  });

  it('is NaN without positives or negatives', () => {
    expect(auc(scores(), scores(1))).toBeNaN();
    expect(auc(scores(1), scores())).toBeNaN();
  });
});

describe('recallAtFalsePositiveRate', () => {
  it('flags the lowest scores up to the false-positive rate and counts the attacks caught', () => {
    const normal = scores(...Array.from({ length: 100 }, (_, i) => i));
    const attacks = scores(-5, 2.5, 4.5, 50);
    const point = recallAtFalsePositiveRate(normal, attacks, 0.05);
    expect(point).toEqual({ threshold: 5, falsePositiveRate: 0.05, recall: 0.75 });
  });
});
