import { strict as assert } from 'node:assert';
import { DECISION_TREE, RECOMMENDATIONS, walk } from '../../src/core/advisor';

const rec = (answers: boolean[]) => {
  const s = walk(answers);
  assert.ok('recommendation' in s, `no recommendation after ${answers}`);
  return s.recommendation.key;
};

describe('mechanism advisor (the seed decision tree)', () => {
  it('follows the seed: notify -> signal, cross-host -> TCP, bulk -> shm, parent/child -> pipe, else Unix socket or FIFO', () => {
    assert.equal(rec([true]), 'signal');
    assert.equal(rec([false, true]), 'tcp');
    assert.equal(rec([false, false, true]), 'shm');
    assert.equal(rec([false, false, false, true]), 'pipe');
    assert.equal(rec([false, false, false, false, true]), 'mq');
    assert.equal(rec([false, false, false, false, false, true]), 'unix');
    assert.equal(rec([false, false, false, false, false, false]), 'fifo');
  });
  it('asks questions until a leaf and every recommendation is reachable', () => {
    const s = walk([false]);
    assert.ok('question' in s && s.question.key === 'crossHost');
    const reached = new Set<string>();
    const visit = (step: typeof DECISION_TREE) => {
      if ('recommendation' in step) reached.add(step.recommendation.key);
      else { visit(step.question.yes); visit(step.question.no); }
    };
    visit(DECISION_TREE);
    assert.deepEqual([...reached].sort(), RECOMMENDATIONS.map((r) => r.key).sort());
  });
});
