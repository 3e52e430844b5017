// The analysis worker: one StudioSession (src/analysis/studio-session.ts) served over the envelope
// (src/util/rpc.ts), its files and settings kept in IndexedDB (DatasetStore, mindprint-datasets).
import pipelineYaml from '../../configs/training_pipeline.yaml?raw';
import { parsePipelineConfig } from '../config/pipeline-config.ts';
import { StudioSession } from '../analysis/studio-session.ts';
import { DatasetStore, isQuotaError } from '../storage/dataset-store.ts';
import { serve, type Handlers } from '../util/rpc.ts';
import { throttled } from '../util/pace.ts';
import { PROTOCOL_VERSION, type Methods, type Progress } from './protocol.ts';

const session = new StudioSession(parsePipelineConfig(pipelineYaml, 'configs/training_pipeline.yaml'), () => DatasetStore.open());

const handlers: Handlers<Methods, Progress> = {
  init: (_p, report) => session.init(report),
  load: ({ files }, report) => session.load(files, report),
  persist: (_p, report) => session.persist(report),
  setKind: ({ file, kind }, report) => session.setKind(file, kind, report),
  removeFile: ({ file }, report) => session.removeFile(file, report),
  setMarkers: ({ yaml }, report) => session.setMarkers(yaml, report),
  editSuggestion: (params, report) => session.editSuggestion(params, report),
  resetMarkers: (_p, report) => session.resetMarkers(report),
  setOverrides: ({ overrides }) => session.setOverrides(overrides),
  clear: () => session.clear(),
};

// Requests run one at a time, in order: each sees the state the previous one left.
serve(self as unknown as DedicatedWorkerGlobalScope, {
  version: PROTOCOL_VERSION,
  label: 'protocol',
  handlers,
  order: 'queue',
  errorFlags: (e) => ({ quota: isQuotaError(e) }),
  // At most one progress message per 50 ms; the last of a phase always goes.
  progress: (report) => throttled(report, 50, (p) => p.bytes >= p.totalBytes),
});
