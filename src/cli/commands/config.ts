// `mindprint config`: the adaptive per-topic training config for curriculum data, with the reason
// for every choice (table or JSON).
import { adaptTopics, type TopicConfig } from '../../analysis/adaptive.ts';
import { analyzeDataset } from '../../analysis/analyze.ts';
import { configToJson } from '../../analysis/json.ts';
import { loadDefaultPipelineConfig, loadPipelineConfigFile } from '../../analysis/node-defaults.ts';
import type { PipelineConfig } from '../../config/pipeline-config.ts';
import { textTable } from '../../analysis/text-table.ts';
import { parseCommandArgs, UsageError, type Command } from '../command.ts';
import { markersLines } from '../markers-input.ts';
import { loadInputs } from './analyze.ts';

const sci = (x: number) => x.toExponential(1).replace('.0e', 'e');

function configTable(topics: TopicConfig[]): string {
  const table = textTable(
    ['Topic', 'Train', 'SFT ep', 'Batch', 'LR', 'RM ep', 'RM LR', 'RM batch', 'PPO steps', 'PPO LR', 'Pass'],
    topics.map((t) => [
      t.id + (t.overridden.length ? ' *' : ''),
      t.trainable ? 'yes' : 'no',
      String(t.sftEpochs),
      String(t.batchSize),
      sci(t.learningRate),
      String(t.rewardEpochs),
      sci(t.rewardLearningRate),
      String(t.rewardBatchSize),
      String(t.ppoSteps),
      sci(t.ppoLearningRate),
      t.passThreshold.toFixed(2),
    ]),
    [2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  const why = topics.flatMap((t) => [`${t.id}:`, ...t.rationale.map((r) => `  - ${r}`)]);
  const trainable = topics.filter((t) => t.trainable).length;
  return [table, '', `${trainable} of ${topics.length} topics trainable (* = user override)`, '', 'Rationale:', ...why].join('\n');
}

export const command: Command = {
  summary: 'Adaptive per-topic training config (epochs, batch, learning rates, pass threshold) with reasons',
  usage: [
    'Usage: mindprint config [dir|files...] [--config FILE] [--markers FILE] [--json]',
    '',
    'Analyses the curriculum files and adapts the base training config to each topic:',
    'thin topics get more epochs and gentler learning rates, weak preference data a longer reward',
    'model run, and each topic a pass threshold (0.75-0.85) by its data quality.',
    'With no paths, uses the bundled sample-data/ folder.',
    '',
    'Options:',
    '  --config FILE   pipeline config YAML (only the values that differ from configs/training_pipeline.yaml;',
    '                  a `topics:` map overrides values per topic)',
    "  --markers FILE  voice markers YAML (default: the folder's own voice_markers.yaml, else provisional",
    '                  markers discovered in its preference pairs)',
    '  --json          print {markers, topics: [{id, trainable, sftEpochs, batchSize, lrMultiplier, learningRate,',
    '                  rewardEpochs, ppoSteps, passThreshold, rationale}]}',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { config: { type: 'string' }, markers: { type: 'string' }, json: { type: 'boolean' } });
    let cfg: PipelineConfig;
    try {
      cfg = values.config ? await loadPipelineConfigFile(values.config) : await loadDefaultPipelineConfig();
    } catch (err) {
      throw new UsageError(`bad pipeline config: ${(err as Error).message}`);
    }
    const { ds, markers, source } = await loadInputs(positionals, values.markers);
    const a = analyzeDataset(ds, markers, source);
    const topics = adaptTopics(a, cfg);
    if (values.json) console.log(JSON.stringify({ markers: a.markers, ...configToJson(topics) }, null, 2));
    else console.log([...markersLines(source, markers, positionals.length === 1 ? positionals[0] : 'DIR'), '', configTable(topics)].join('\n'));
    return 0;
  },
};
