// Chapter tests, unit exams and the final assessment of Peg's curriculum.
import { mc, open, tf } from './questions.ts';
import type { Question } from './types.ts';

export interface ChapterTest {
  unit: string;
  chapter: string;
  title: string;
  questions: Question[];
}
export interface UnitExam {
  unit: string;
  title: string;
  questions: Question[];
}

export const CHAPTER_TESTS: ChapterTest[] = [
  {
    unit: 'unit-01',
    chapter: 'chapter-01',
    title: 'Wind and the points of sail',
    questions: [
      open(
        `Explain how a sail drives the boat forward on a reach, and the centreboard's part in it.`,
        `On a reach the sail is a wing, my lovely: the wind flows across both sides, the pressure drops on the leeward side and the sail is pulled sideways and forwards. The centreboard grips the water and refuses the sideways part, so the boat goes ahead.`,
        ['wing', 'pressure', 'centreboard resists sideways force'],
      ),
      mc(
        `You are on starboard tack. Where is the boom?`,
        ['Out to starboard', 'Out to port', 'On the centreline', 'It depends on the point of sail'],
        'B',
        `The tack is named for the side the wind comes over; the boom is on the other side.`,
        ['starboard tack'],
      ),
      tf(`Heading up means turning towards the wind.`, true, `Bearing away is turning away from it.`, ['heading up']),
    ],
  },
  {
    unit: 'unit-01',
    chapter: 'chapter-02',
    title: 'Handling the boat',
    questions: [
      open(
        `Your boat feels slow and heavy on the tiller on a reach. Go through the five essentials.`,
        `Sail trim: ease until the luff lifts, sheet in until it stops. Balance: flatten her. Boat trim: sit together near the middle. Centreboard: about half down on a reach. Course made good: are you going where you mean to? Mark me, one of the five is nearly always the answer.`,
        ['sail trim', 'balance', 'boat trim', 'centreboard', 'course made good'],
      ),
      mc(`Which string mainly stops the boom lifting on a run?`, ['Outhaul', 'Cunningham', 'Kicker', 'Halyard'], 'C', `The kicker holds the boom down.`, [
        'kicker',
      ]),
      tf(`You should cleat the mainsheet while learning, so your hand is free.`, false, `Hold the sheet: it is your throttle and brake.`, ['mainsheet']),
    ],
  },
  {
    unit: 'unit-02',
    chapter: 'chapter-01',
    title: 'Turning: tacks and gybes',
    questions: [
      open(
        `Compare a tack and a gybe: what goes through the wind, how the boom crosses and what the danger is.`,
        `In a tack the bow goes through the wind and the boom crosses gently with the sails flapping; a bad tack leaves you in irons. In a gybe the stern goes through the wind and the boom crosses fast with the sail full; a bad gybe capsizes you. Straighten the tiller as the boom crosses.`,
        ['bow through the wind', 'stern through the wind', 'boom crosses fast', 'irons', 'capsize'],
      ),
      mc(
        `In a strong wind, the safest way to turn from a run onto the opposite run is usually...`,
        ['A fast gybe', 'A tack the long way round', 'Lowering the centreboard fully and gybing', 'Letting go of the tiller'],
        'B',
        `Head up, tack, bear away again.`,
        ['tack instead of gybe'],
      ),
      tf(`In a gybe you should keep the centreboard fully up.`, false, `About a quarter down.`, ['centreboard']),
    ],
  },
  {
    unit: 'unit-02',
    chapter: 'chapter-02',
    title: 'Stopping and landing',
    questions: [
      open(
        `When would you heave-to rather than lie-to?`,
        `Heave-to for minutes, my lovely: to reef, clear a tangle, rest or wait, because the boat sits balanced and quiet. Lie-to for seconds, when picking up a mooring or a person. Check there is room to leeward either way.`,
        ['heave-to for rest or reefing', 'lie-to briefly', 'room to leeward'],
      ),
      tf(`Moored boats point into the stronger of wind and tide.`, true, `Come in the way they point.`, ['moored boats']),
      mc(
        `You are hove-to. Where is the jib?`,
        ['Sheeted on the leeward side', 'Backed on the windward side', 'Lowered', 'Flapping freely'],
        'B',
        `The backed jib balances the rudder.`,
        ['backed jib'],
      ),
    ],
  },
  {
    unit: 'unit-03',
    chapter: 'chapter-01',
    title: 'Wind strength and the tide',
    questions: [
      open(
        `A breeze is building. What do you do with the sail controls and your weight?`,
        `Flatten the sail: outhaul and cunningham on, kicker on firmly; hike out, ease the mainsheet in the gusts and reef if you are still overpowered. Mark me, reef the first time you think of it.`,
        ['outhaul', 'cunningham', 'kicker', 'hike', 'reef'],
      ),
      mc(`When is slack water in most estuaries?`, ['Mid-tide', 'Near high and low water', 'Only at springs', 'Never'], 'B', `Near the turn of the tide.`, [
        'slack water',
      ]),
      tf(`Close-hauled, you bear away sharply when a gust hits.`, false, `You head up a little to feather.`, ['feathering']),
    ],
  },
  {
    unit: 'unit-03',
    chapter: 'chapter-02',
    title: 'When it goes wrong',
    questions: [
      open(
        `Describe the man overboard recovery in a dinghy.`,
        `Shout, throw something that floats, keep pointing at them. Sail away on a beam reach a few boat lengths, tack, come back on a close reach with the sheets eased to control speed, and stop with them by the windward shroud. Bring them in over the windward side.`,
        ['keep watching', 'beam reach away', 'tack', 'close reach back', 'windward side'],
      ),
      mc(
        `What is the distress signal from a dinghy?`,
        ['Waving one arm', 'Both arms out, raised and lowered slowly', 'Standing on the centreboard', 'Lowering the sails'],
        'B',
        `Both arms, slowly, over and over.`,
        ['distress signal'],
      ),
      tf(`If the boat is inverted, stay with it and bring it onto its side first.`, true, `Then right her as usual.`, ['inversion']),
    ],
  },
];

export const UNIT_EXAMS: UnitExam[] = [
  {
    unit: 'unit-01',
    title: 'First days afloat',
    questions: [
      open(
        `A friend asks how to start their first sail. Take them from the slipway to a beam reach.`,
        `Right then: find the wind, rig head to wind, check bungs, rudder and knots, buoyancy aid zipped. Launch, sit on the windward side, tiller in the back hand, sheet in the front. Wind on your cheek, sail halfway out: a beam reach. If anything frightens you, let the sheet go.`,
        ['find the wind', 'rig head to wind', 'windward side', 'beam reach', 'let the sheet go'],
      ),
      mc(
        `Two boats on the same tack are converging. Which keeps clear?`,
        ['The leeward boat', 'The windward boat', 'The faster boat', 'The bigger boat'],
        'B',
        `Windward keeps clear of leeward.`,
        ['rules of the road'],
      ),
      tf(`Push the tiller towards the sail to bear away.`, false, `Towards the sail heads up; towards you bears away.`, ['tiller']),
      open(
        `How do you help a frightened beginner on the water?`,
        `Tell her to let the sheet go so the boat slows and sits up, breathe out longer than in, find the wind, then decide. Mark me, fear shrinks once a capsize has been done on purpose on a warm day.`,
        ['let go of the sheet', 'breathe', 'find the wind', 'practise capsize'],
      ),
    ],
  },
  {
    unit: 'unit-02',
    title: 'Turning and stopping',
    questions: [
      open(
        `Sail a figure-of-eight round two buoys: describe each turn and what you do with sheets and tiller.`,
        `Reach, head up and sheet in, tack round the first buoy: look, "Ready about", "Lee-oh", push the tiller, cross, swap hands. Reach back, bear away and ease, gybe round the second: board a quarter down, "Gybe-oh", pull the boom across, straighten the tiller.`,
        ['tack', 'gybe', 'sheet in heading up', 'ease bearing away', 'straighten after gybe'],
      ),
      mc(`Which manoeuvre leaves the boat sitting still with the jib backed?`, ['Lying-to', 'Heaving-to', 'Roll tack', 'Gybe'], 'B', `Heaving-to.`, [
        'heaving-to',
      ]),
      tf(`A roll tack is for strong winds.`, false, `Roll tacks are for light winds.`, ['roll tack']),
      open(
        `Why practise manoeuvres on land first?`,
        `So your hands learn the order without the wind shouting at you, my lovely: look, call, push, cross facing forward, swap hands. Then the water teaches the timing.`,
        ['sequence', 'muscle memory', 'timing on the water'],
      ),
    ],
  },
  {
    unit: 'unit-03',
    title: 'Weather and trouble',
    questions: [
      open(
        `How do you decide whether to go sailing today?`,
        `Three questions: what is the wind doing and going to do, what is the tide doing while you are out, and what are you and your boat ready for? If any answer makes you uneasy, stay ashore or sail sheltered with a reef in, and tell someone your plan.`,
        ['forecast', 'tide', 'experience', 'tell someone ashore'],
      ),
      mc(
        `What is the most important rule after a capsize?`,
        ['Swim for the shore', 'Stay with the boat', 'Lower the sails', 'Remove your buoyancy aid'],
        'B',
        `The boat floats and is easy to see.`,
        ['stay with the boat'],
      ),
      tf(`Cold is a bigger danger to dinghy sailors than most people think.`, true, `Cold makes you slow, clumsy and stupid before you notice.`, [
        'cold',
        'immersion',
      ]),
      open(
        `What is a lee shore and how do you treat it?`,
        `A shore the wind blows onto. A boat in trouble drifts onto it, so keep a wide berth, and when landing drop the main out at sea and come in under jib.`,
        ['wind blows onto it', 'wide berth', 'land under jib'],
      ),
    ],
  },
];

export const FINAL_TITLE = `Peg's Dinghy School: final assessment`;

export const FINAL_QUESTIONS: Question[] = [
  {
    ...open(
      `Where is the wind, and how do you know? Explain the three witnesses.`,
      `Your face, the burgee and the water, my lovely: turn until the wind is on both cheeks, glance up at the burgee, and read the ripples and dark patches upwind. If two agree, you have your answer.`,
      ['face', 'burgee', 'water'],
    ),
    source_unit: 'unit-01',
  },
  {
    ...mc(
      `Which way do you trim the sail as you bear away from close-hauled to a broad reach?`,
      ['Pull it in', 'Let it out', 'Leave it', 'Lower it'],
      'B',
      `Ease as you turn away from the wind.`,
      ['trim'],
    ),
    source_unit: 'unit-01',
  },
  {
    ...open(
      `Talk a crew through a gybe in a moderate breeze.`,
      `Board a quarter down, look round, "Ready to gybe?", "Ready!", pull the tiller gently, "Gybe-oh!", duck, pull the boom across as the sail goes light, straighten the tiller the moment it crosses, cross facing forward and trim.`,
      ['centreboard', 'calls', 'pull the boom', 'straighten the tiller'],
    ),
    source_unit: 'unit-02',
  },
  {
    ...tf(`To heave-to, the tiller is held towards the boom with the jib backed.`, true, `Jib and rudder balance each other.`, ['heaving-to']),
    source_unit: 'unit-02',
  },
  {
    ...open(
      `A squall line is coming down the river. What do you do?`,
      `Act early: reef or drop the mainsail and sail on the jib, or heave-to or point into the wind and let the sails flap until it passes. Never run before it with full sail.`,
      ['act early', 'reef', 'heave-to', 'do not run with full sail'],
    ),
    source_unit: 'unit-03',
  },
  {
    ...mc(`Wind against tide makes the sea...`, ['Flatter', 'Short and steep', 'Unchanged', 'Glassy'], 'B', `Short, steep waves.`, ['wind against tide']),
    source_unit: 'unit-03',
  },
];
