// The pipeline defaults as every caller gets them: configs/training_pipeline.yaml, parsed.
import { readFileSync } from 'node:fs';
import { configPath } from '../../src/analysis/node-defaults.ts';
import { parsePipelineConfig } from '../../src/config/pipeline-config.ts';

export const DEFAULT_PIPELINE_CONFIG = parsePipelineConfig(readFileSync(configPath('training_pipeline.yaml'), 'utf8'), 'configs/training_pipeline.yaml');
