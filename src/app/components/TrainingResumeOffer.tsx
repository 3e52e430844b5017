// After a reload (or a closed tab) mid-run: says the run was kept and offers to resume it at once.
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';

export function TrainingResumeOffer() {
  const { interrupted, needsFolder, label, resume } = useStudio(
    useShallow((s) => ({
      interrupted: s.training.status === 'interrupted',
      needsFolder: s.training.runOptions?.model.kind === 'files' && s.trainModel.kind !== 'files',
      label: s.training.runOptions?.model.kind === 'files' ? s.training.runOptions.model.label : '',
      resume: s.resumeTraining,
    })),
  );
  if (!interrupted) return null;
  return (
    <div className="status info" role="status" data-testid="resume-offer">
      This run stopped before it finished (the page was reloaded or closed); everything up to its last save is kept.{' '}
      {needsFolder ? (
        <>Pick the model folder {label} again, then Resume.</>
      ) : (
        <button className="small" onClick={() => void resume()} data-testid="resume-offer-button">
          Resume it
        </button>
      )}{' '}
      <span className="muted">Start begins a new run; this one stays in Runs.</span>
    </div>
  );
}
