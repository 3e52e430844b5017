import { describe, expect, it } from 'vitest';
import { adaptTopics, type TopicConfig } from '../../../src/analysis/adaptive.ts';
import { analyzeDataset, type Analysis, type TopicAnalysis } from '../../../src/analysis/analyze.ts';
import { parseMarkers } from '../../../src/analysis/markers.ts';
import { parsePipelineConfig } from '../../../src/config/pipeline-config.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../helpers/default-config.ts';
import { lengthStats } from '../../../src/analysis/stats.ts';
import { dataset, pair, sft } from './helpers.ts';

const cfg = DEFAULT_PIPELINE_CONFIG;

interface Fig {
  n?: number;
  m?: number;
  meanOut?: number;
  density?: number;
  quality?: number;
}

/** A topic with the given figures; the defaults make a high-quality topic of 12 examples. */
function topicWith({ n = 12, m = 20, meanOut = 800, density = 25, quality = 2 }: Fig): TopicAnalysis {
  return {
    id: 'unit-01/chapter-01/topic-01',
    unit: 'unit-01',
    chapter: 'unit-01/chapter-01',
    topic: 'unit-01/chapter-01/topic-01',
    depth: 3,
    sft: {
      examples: n,
      instructionChars: lengthStats([]),
      outputChars: { ...lengthStats(Array(n).fill(meanOut)), mean: meanOut },
      voiceDensity: density,
      categoryScores: {},
    },
    preference: {
      pairs: m,
      meanQuality: quality,
      highQuality: 0,
      lowQuality: 0,
      highQualityShare: 0,
      lowQualityShare: 0,
      meanChosenChars: 0,
      meanRejectedChars: 0,
      qualityRatio: 0,
      meanDensityGap: 0,
    },
    distinctions: 0,
    evalQuestions: { open: 0, multiple_choice: 0, true_false: 0 },
    flagCounts: {},
    recommendations: [],
  };
}

function analysisOf(...topics: TopicAnalysis[]): Analysis {
  return {
    topics,
    sftExamples: 0,
    globalDistinctions: 0,
    totalDistinctions: 0,
    categories: [],
    flags: [],
    preference: { ...topics[0].preference, unassigned: { count: 0, prompts: [] } },
    evalSets: { topic: { sets: 0, questions: 0 }, chapter: { sets: 0, questions: 0 }, unit: { sets: 0, questions: 0 }, final: { sets: 0, questions: 0 } },
    flagCounts: { 'identical-pair': 0, 'near-identical-pair': 0, 'chosen-less-voice': 0, 'negative-pattern': 0, 'duplicate-prompt': 0 },
  };
}

const adapt = (f: Fig): TopicConfig => adaptTopics(analysisOf(topicWith(f)), cfg)[0];

describe('SFT and PPO rules by n', () => {
  it.each([
    [1, 5, 2, 0.5, 150, 0.5],
    [2, 5, 2, 0.5, 150, 0.5],
    [9, 5, 2, 0.5, 150, 0.5],
    [10, 3, 4, 1, 100, 1],
    [25, 3, 4, 1, 100, 1],
    [26, 3, 8, 1, 100, 1],
  ])('n = %i → epochs %i, batch %i, LR ×%f, PPO steps %i, PPO LR ×%f', (n, epochs, batch, lrMul, steps, ppoMul) => {
    const c = adapt({ n });
    expect(c.sftEpochs).toBe(epochs);
    expect(c.batchSize).toBe(batch);
    expect(c.lrMultiplier).toBe(lrMul);
    expect(c.learningRate).toBeCloseTo(1e-4 * lrMul, 15);
    expect(c.ppoSteps).toBe(steps);
    expect(c.ppoLearningRate).toBeCloseTo(1e-5 * ppoMul, 15);
    expect(c.rationale.find((r) => r.startsWith('SFT:'))).toContain(`n = ${n}`);
    expect(c.rationale.find((r) => r.startsWith('PPO:'))).toContain(`n = ${n}`);
  });
});

describe('trainability', () => {
  it.each([
    [1, 800, false],
    [2, 800, true],
    [12, 49, false],
    [12, 50, true],
  ])('n = %i, mean output %i → trainable %s', (n, meanOut, trainable) => {
    const c = adapt({ n, meanOut });
    expect(c.trainable).toBe(trainable);
    if (trainable) expect(c.untrainableReason).toBeUndefined();
    else expect(c.untrainableReason).toMatch(n < 2 ? /only 1 SFT example \(needs at least 2\)/ : /mean output 49 chars \(needs at least 50\)/);
    expect(c.rationale[0]).toMatch(trainable ? /^Trainable/ : /^Not trainable/);
  });

  it('no examples at all', () => {
    expect(adapt({ n: 0, meanOut: 0 }).untrainableReason).toBe('only 0 SFT examples (needs at least 2)');
  });
});

describe('reward rule by mean pair quality', () => {
  it.each([
    [0.99, 5, 5e-6, 4],
    [1.0, 3, 1e-5, 8],
  ])('quality %f → epochs %i, LR %f, batch %i', (quality, epochs, lr, batch) => {
    const c = adapt({ quality });
    expect(c.rewardEpochs).toBe(epochs);
    expect(c.rewardLearningRate).toBeCloseTo(lr, 15);
    expect(c.rewardBatchSize).toBe(batch);
    expect(c.rationale.find((r) => r.startsWith('Reward:'))).toContain(String(quality === 1 ? 1 : 0.99));
  });

  it('no pairs: base reward settings, with a reason', () => {
    const c = adapt({ m: 0, quality: 0 });
    expect([c.rewardEpochs, c.rewardBatchSize]).toEqual([3, 8]);
    expect(c.rationale.find((r) => r.startsWith('Reward:'))).toMatch(/no preference pairs/);
  });
});

describe('pass threshold', () => {
  it.each([
    // m boundaries (high quality otherwise)
    [{ m: 14 }, 0.8],
    [{ m: 15 }, 0.85],
    [{ m: 30 }, 0.85],
    [{ m: 31 }, 0.8],
    // mean output boundaries
    [{ meanOut: 599 }, 0.8],
    [{ meanOut: 600 }, 0.85],
    [{ meanOut: 1500 }, 0.85],
    [{ meanOut: 1501 }, 0.8],
    // density boundaries
    [{ density: 14.99 }, 0.75],
    [{ density: 15 }, 0.8],
    [{ density: 19.99 }, 0.8],
    [{ density: 20 }, 0.85],
    // quality boundary
    [{ quality: 1.49 }, 0.8],
    [{ quality: 1.5 }, 0.85],
    // low density wins over other shortfalls
    [{ density: 14.99, m: 3 }, 0.75],
  ] as [Fig, number][])('%o → %f', (f, threshold) => {
    const c = adapt(f);
    expect(c.passThreshold).toBe(threshold);
    expect(c.rationale.find((r) => r.startsWith('Pass threshold'))).toContain(`Pass threshold ${threshold}`);
  });

  it('base threshold comes from the config', () => {
    const custom = parsePipelineConfig('evaluation: {pass_threshold: 0.9}', 'c.yaml', DEFAULT_PIPELINE_CONFIG);
    expect(adaptTopics(analysisOf(topicWith({})), custom)[0].passThreshold).toBe(0.9);
  });
});

describe('rationale and overrides', () => {
  it('one rationale line per decision', () => {
    const c = adapt({});
    expect(c.rationale.map((r) => r.split(/[: ]/)[0])).toEqual(['Trainable', 'SFT', 'Reward', 'PPO', 'Pass']);
    expect(c.overridden).toEqual([]);
  });

  it('config topics map then caller overrides, recorded', () => {
    const file = parsePipelineConfig(
      `
topics:
  unit-01/chapter-01/topic-01:
    sft_epochs: 7
    lr_multiplier: 2
    pass_threshold: 0.7
`,
      'c.yaml',
      DEFAULT_PIPELINE_CONFIG,
    );
    const [c] = adaptTopics(analysisOf(topicWith({ n: 1 })), file, {
      'unit-01/chapter-01/topic-01': { passThreshold: 0.6, trainable: true },
      other: { sftEpochs: 99 },
    });
    expect(c.sftEpochs).toBe(7);
    expect(c.lrMultiplier).toBe(2);
    expect(c.learningRate).toBeCloseTo(2e-4, 15);
    expect(c.passThreshold).toBe(0.6);
    expect(c.trainable).toBe(true);
    expect(c.untrainableReason).toBeUndefined();
    expect(c.overridden).toEqual(['sftEpochs', 'lrMultiplier', 'passThreshold', 'trainable']);
    expect(c.rationale.filter((r) => r.startsWith('Override'))).toEqual([
      'Override (config topics): sftEpochs = 7.',
      'Override (config topics): lrMultiplier = 2.',
      'Override (config topics): passThreshold = 0.7.',
      'Override (user): passThreshold = 0.6.',
      'Override (user): trainable = true.',
    ]);
  });

  it('overriding the learning rate sets the multiplier to match', () => {
    const [c] = adaptTopics(analysisOf(topicWith({})), cfg, { 'unit-01/chapter-01/topic-01': { learningRate: 3e-4 } });
    expect(c.learningRate).toBe(3e-4);
    expect(c.lrMultiplier).toBeCloseTo(3, 12);
  });
});

describe('from a real analysis', () => {
  it('adapts each topic of an analysed dataset in curriculum order', () => {
    const m = parseMarkers('density_markers: ["you see"]');
    const good = 'you see '.repeat(100).trim();
    const ds = dataset({
      topicIds: ['u1/c1/t1', 'u1/c1/t2'],
      sft: [...Array.from({ length: 12 }, (_, i) => sft('u1/c1/t1', `q${i}`, good)), sft('u1/c1/t2', 'q', 'tiny')],
      preference: Array.from({ length: 16 }, (_, i) => pair('u1/c1/t1', `q${i}`, good, 'flat')),
    });
    const [t1, t2] = adaptTopics(analyzeDataset(ds, m), cfg);
    expect(t1).toMatchObject({ id: 'u1/c1/t1', trainable: true, sftEpochs: 3, batchSize: 4, passThreshold: 0.85 });
    expect(t2).toMatchObject({ id: 'u1/c1/t2', trainable: false, sftEpochs: 5, passThreshold: 0.75 });
  });
});
