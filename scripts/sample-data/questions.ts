// Small constructors for evaluation questions, so the quiz and exam files read as content.
import type { Question } from './types.ts';

export function open(question: string, reference_answer: string, key_concepts: string[]): Question {
  return { question, reference_answer, type: 'open', key_concepts };
}

/** options are the four answers without their letters; correct is the letter (A-D). */
export function mc(question: string, options: string[], correct: string, reference_answer: string, key_concepts: string[]): Question {
  const letters = ['A', 'B', 'C', 'D'];
  return {
    question,
    reference_answer: `**${correct}) ${options[letters.indexOf(correct)]}** ${reference_answer}`,
    type: 'multiple_choice',
    options: options.map((o, i) => `${letters[i]}) ${o}`),
    correct_option: correct,
    key_concepts,
  };
}

export function tf(question: string, answer: boolean, explanation: string, key_concepts: string[]): Question {
  return { question, reference_answer: `**${answer ? 'True' : 'False'}** ${explanation}`, type: 'true_false', key_concepts };
}
