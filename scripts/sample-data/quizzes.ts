// Topic quizzes (quiz_data.json): one per topic-depth source of Peg's curriculum.
import { mc, open, tf } from './questions.ts';
import type { Question } from './types.ts';

export interface Quiz {
  unit: string;
  chapter: string;
  topic: string;
  title: string;
  questions: Question[];
}

export const QUIZZES: Quiz[] = [
  {
    unit: 'unit-01',
    chapter: 'chapter-01',
    topic: 'topic-01',
    title: 'Finding the wind',
    questions: [
      open(
        `How do you find the wind direction on the slipway before rigging?`,
        `Right then, stand still and turn your face until the wind blows equally on both cheeks and both ears go quiet: you are looking into the wind. Check it against the burgee and the club flag, and look at the ripples on the water. Mark me, find the wind first, every time, then point the bow into it to rig.`,
        ['both cheeks', 'burgee', 'ripples on the water', 'rig head to wind'],
      ),
      mc(
        `Which wind do the burgee and tell-tales show when the boat is moving?`,
        ['The true wind', 'The apparent wind', 'The forecast wind', 'The tidal wind'],
        'B',
        `Moving, they show the apparent wind: true wind plus the wind of your own going, which is what the sail feels.`,
        ['apparent wind'],
      ),
      tf(`A dark, ruffled patch on the water upwind is a gust coming.`, true, `Mark me, dark water is more wind; a shiny glassy patch is a lull.`, [
        'gust',
        'dark patch',
      ]),
      open(
        `What should you do when a lull arrives while you are hiking?`,
        `Come in off the side the moment you feel the boat sit up, my lovely, or you will tip her to windward. Then look at the sail, trim for the lighter wind, and look up the course for the next dark patch. Steady.`,
        ['move inboard', 'windward capsize', 'trim for lighter wind'],
      ),
    ],
  },
  {
    unit: 'unit-01',
    chapter: 'chapter-01',
    topic: 'topic-02',
    title: 'The points of sail',
    questions: [
      open(
        `Name the points of sail in order from the no-go zone to a run, and say what happens to the sail.`,
        `No-go zone, close-hauled, close reach, beam reach, broad reach, run. Mark me, the rule is simple: the further you turn away from the wind, the further you let the sail out, until on a run the sail is all the way out.`,
        ['close-hauled', 'beam reach', 'broad reach', 'run', 'ease as you bear away'],
      ),
      mc(
        `On a beam reach, the wind comes from...`,
        ['Straight ahead', 'Directly behind', 'Square across the boat', 'Over the back quarter'],
        'C',
        `A beam reach is the wind square across the boat, sail about halfway out.`,
        ['beam reach'],
      ),
      tf(
        `When bearing away from close-hauled to a run, you should pull the sheet in as you turn.`,
        false,
        `Sheet out as you turn, my lovely: ease and turn together, or the boat heels and refuses to bear away.`,
        ['bear away', 'ease the sheet'],
      ),
      mc(
        `Where is the centreboard on a run?`,
        ['All the way down', 'Half down', 'Nearly up, a little left down', 'Removed from the boat'],
        'C',
        `Nearly up, but never right up: a little board steadies the boat.`,
        ['centreboard'],
      ),
      open(
        `Why is a run more dangerous than it feels?`,
        `Because it is quiet and gentle until the wind gets behind the sail, my lovely. Then the boom comes across in an accidental gybe. Watch the jib: if it goes limp and wants to cross, head up a touch, tiller towards the boom. Heads down, eyes up.`,
        ['accidental gybe', 'by the lee', 'jib goes limp'],
      ),
    ],
  },
  {
    unit: 'unit-01',
    chapter: 'chapter-01',
    topic: 'topic-03',
    title: 'The no-go zone and irons',
    questions: [
      open(
        `How do you get out of irons?`,
        `Don't panic, my lovely. Push the boom out to one side and the tiller towards the boom; the boat goes backwards and the bow falls off towards the boom's side. When the wind is on your cheek away from the boom, straighten the tiller and sheet in.`,
        ['push the boom out', 'tiller towards the boom', 'boat goes backwards', 'sheet in'],
      ),
      mc(
        `About how wide is a dinghy's no-go zone?`,
        ['10 degrees either side of the wind', '45 degrees either side of the wind', '90 degrees either side of the wind', 'There is none'],
        'B',
        `About forty-five degrees either side, a ninety-degree wedge.`,
        ['no-go zone'],
      ),
      tf(
        `A boat in irons is in great danger of capsizing.`,
        false,
        `The sail has no power in irons; the only danger is drifting backwards onto something, and panic.`,
        ['in irons', 'panic'],
      ),
    ],
  },
  {
    unit: 'unit-01',
    chapter: 'chapter-02',
    topic: 'topic-01',
    title: 'Steering with the tiller',
    questions: [
      open(
        `Which way does the boat turn when you push the tiller towards the sail, and why?`,
        `Towards the wind, my lovely: the boat turns the opposite way to the tiller, so tiller to the sail heads up and tiller to your tummy bears away. Small movements, always.`,
        ['opposite way', 'head up', 'bear away'],
      ),
      mc(
        `How should you hold the tiller extension?`,
        ['Palm under, like a frying pan', 'Dagger grip, knuckles up', 'With both hands', 'Tucked under your arm'],
        'B',
        `Dagger grip, back hand on the tiller, front hand on the mainsheet.`,
        ['dagger grip'],
      ),
      tf(`A rudder steers just as well when the boat is stopped.`, false, `No flow, no steering: speed is steering.`, ['rudder needs flow']),
      open(
        `What is weather helm and what do you do about too much of it?`,
        `The boat wanting to turn up into the wind when she heels, my lovely. A touch is good; too much means she is heeling too far or the sail is pinned in. Flatten her: sit out, ease the mainsheet in the gusts. Flat boat, light tiller.`,
        ['weather helm', 'heel', 'flatten the boat', 'ease the mainsheet'],
      ),
    ],
  },
  {
    unit: 'unit-01',
    chapter: 'chapter-02',
    topic: 'topic-02',
    title: 'Sail trim and tell-tales',
    questions: [
      open(
        `Describe the ease-and-sheet method of trimming a sail.`,
        `Ease the sheet until the luff just lifts, then sheet in until it just stops, my lovely, and hold it there. Do it again at every change of course and every wind shift. When in doubt, let it out.`,
        ['ease until the luff lifts', 'sheet in until it stops', 'when in doubt let it out'],
      ),
      mc(
        `The leeward jib tell-tale droops and spins. What should you do?`,
        ['Sheet in', 'Bear away', 'Ease the sheet or head up', 'Raise the centreboard'],
        'C',
        `The flow has stalled on the back of the sail: the sheet is too tight for your course.`,
        ['tell-tales', 'stall'],
      ),
      tf(`An over-sheeted sail looks full but is slow and heels the boat.`, true, `Mark me, the luff is honest and the over-sheeted sail is a liar.`, [
        'over-sheeted',
        'stall',
      ]),
      open(
        `What are the five essentials?`,
        `Sail trim, boat balance, boat trim fore and aft, centreboard and course made good, my lovely. When something feels wrong, run through all five out loud.`,
        ['sail trim', 'balance', 'boat trim', 'centreboard', 'course made good'],
      ),
    ],
  },
  {
    unit: 'unit-02',
    chapter: 'chapter-01',
    topic: 'topic-01',
    title: 'Tacking',
    questions: [
      open(
        `Give the steps of a tack, with the calls.`,
        `Right then: sail close-hauled with speed; look all round; "Ready about!", wait for "Ready!"; "Lee-oh!" and push the tiller towards the sail; duck, cross facing forward with the tiller still over; sit, swap hands; straighten the tiller when the sail fills and sheet in.`,
        ['ready about', 'lee-oh', 'push the tiller', 'face forward', 'swap hands'],
      ),
      mc(
        `About how far does the boat turn in a tack?`,
        ['30 degrees', '90 degrees', '180 degrees', '270 degrees'],
        'B',
        `Close-hauled to close-hauled, about ninety degrees.`,
        ['tack angle'],
      ),
      tf(
        `If your crew has not answered "Ready", you should tack anyway to keep to the plan.`,
        false,
        `"Ready about" is a question; no answer, no tack, unless you must turn to avoid danger.`,
        ['crew communication'],
      ),
      open(
        `Why do beginners stop halfway through a tack, and what is the cure?`,
        `Too little speed going in, or the tiller straightened too early, my lovely. Build speed close-hauled, push the tiller firmly and hold it until the sail fills on the new side.`,
        ['speed', 'momentum', 'straighten too early', 'in irons'],
      ),
    ],
  },
  {
    unit: 'unit-02',
    chapter: 'chapter-01',
    topic: 'topic-02',
    title: 'Gybing',
    questions: [
      open(
        `Why must you straighten the tiller the moment the boom crosses in a gybe?`,
        `Because the boat keeps turning and spins up towards the wind with the sail full, my lovely, and that is the commonest capsize there is. Boom crosses, tiller straight, every time.`,
        ['round up', 'capsize', 'straighten the tiller'],
      ),
      mc(
        `Which call warns the crew that the boom is about to cross in a gybe?`,
        ['"Lee-oh!"', '"Ready about!"', '"Gybe-oh!"', '"Starboard!"'],
        'C',
        `"Ready to gybe?" asks; "Gybe-oh!" says it is happening now.`,
        ['gybe-oh'],
      ),
      tf(
        `The warning sign of an accidental gybe is the jib going limp and trying to cross over.`,
        true,
        `The wind is getting by the lee; head up gently, tiller towards the boom.`,
        ['accidental gybe', 'by the lee'],
      ),
      open(
        `How do you gybe safely in a strong wind?`,
        `First ask whether to tack round instead, my lovely. If you gybe: keep speed up, kicker on, board a quarter down, weight low, pull the boom across as the sail goes light, straighten the tiller at once and be ready to ease and hike.`,
        ['tack round instead', 'kicker', 'centreboard a quarter down', 'speed', 'straighten'],
      ),
    ],
  },
  {
    unit: 'unit-02',
    chapter: 'chapter-02',
    topic: 'topic-01',
    title: 'Stopping and heaving-to',
    questions: [
      open(
        `How do you heave-to in a dinghy?`,
        `From close-hauled, tack without releasing the jib so it stays backed, ease the mainsail, push the tiller towards the boom and hold it. The jib and rudder balance and the boat sits quietly, drifting slowly.`,
        ['backed jib', 'ease the main', 'tiller towards the boom', 'drift'],
      ),
      tf(`You can stop on a run by letting the sails out.`, false, `On a run a flapping sail still catches wind; head up to a close reach first, then ease.`, [
        'stopping',
        'close reach',
      ]),
      mc(
        `Which is the quick stop, used for a few seconds?`,
        ['Heaving-to', 'Lying-to', 'Anchoring', 'Reefing'],
        'B',
        `Lying-to: close reach, both sheets let go.`,
        ['lying-to'],
      ),
    ],
  },
  {
    unit: 'unit-02',
    chapter: 'chapter-02',
    topic: 'topic-02',
    title: 'Coming alongside',
    questions: [
      open(
        `How do you come alongside a pontoon?`,
        `Slowly, into the wind or the tide, whichever is stronger, my lovely: look at how the moored boats lie. Arrive on a close reach so you can ease to slow and sheet in to speed up; the crew steps ashore from the middle with the painter.`,
        ['into wind or tide', 'close reach', 'control speed with sheets', 'painter'],
      ),
      tf(
        `If the wind blows onto the pontoon, you should come in under full mainsail to keep control.`,
        false,
        `Drop the mainsail first and come in under jib alone.`,
        ['lee side approach'],
      ),
      mc(
        `How do you know whether wind or tide is stronger at the pontoon?`,
        ['Check the forecast', 'See which way the moored boats point', 'Ask the crew', 'It is always the wind'],
        'B',
        `Moored boats lie to the stronger of the two.`,
        ['moored boats'],
      ),
    ],
  },
  {
    unit: 'unit-03',
    chapter: 'chapter-01',
    topic: 'topic-01',
    title: 'Gusts and depowering',
    questions: [
      open(
        `What do you do when a gust hits on a reach, and how is it different close-hauled?`,
        `On a reach, ease the mainsheet and bear away a touch; close-hauled, head up a few degrees to feather and ease if you need to. Hike out in both, my lovely.`,
        ['ease', 'bear away on a reach', 'feather close-hauled', 'hike'],
      ),
      mc(
        `Which control pulls down the luff of the mainsail to flatten it?`,
        ['Outhaul', 'Kicker', 'Cunningham', 'Jib sheet'],
        'C',
        `The cunningham: on hard in a breeze, off in light wind.`,
        ['cunningham'],
      ),
      tf(`The time to reef is the first time you think of it.`, true, `Mark me, and ashore if you can.`, ['reef']),
      open(
        `Why does a boat capsize to windward?`,
        `The wind drops or shifts while the crew is still hiked out, so their weight pulls the boat over on top of them. Feel the lull coming and come in early, sheeting in as the wind drops.`,
        ['lull', 'hiking', 'move inboard'],
      ),
      mc(
        `A header is...`,
        ['A wind shift towards the bow', 'A wind shift aft', 'A gust from behind', 'A wave over the bow'],
        'A',
        `A header makes you bear away; a header on one tack is a lift on the other.`,
        ['header', 'lift'],
      ),
    ],
  },
  {
    unit: 'unit-03',
    chapter: 'chapter-01',
    topic: 'topic-02',
    title: 'Tides and streams',
    questions: [
      open(
        `What causes the tides, and what are springs and neaps?`,
        `Tides are caused mainly by the gravitational pull of the Moon and the Sun. Spring tides, shortly after new and full moon, have the largest range and strongest streams; neap tides, after the quarter moons, the smallest.`,
        ['Moon', 'Sun', 'spring tides', 'neap tides', 'range'],
      ),
      tf(`Wind against tide produces short, steep waves.`, true, `Wind and stream in opposite directions steepen the sea.`, ['wind against tide']),
      mc(
        `According to the rule of twelfths, when does the tide rise fastest?`,
        ['First hour', 'Third and fourth hours', 'Sixth hour', 'It rises evenly'],
        'B',
        `1, 2, 3, 3, 2, 1 twelfths: fastest in the third and fourth hours.`,
        ['rule of twelfths'],
      ),
      open(
        `Where is the tidal stream weakest in a river, and how do you use that?`,
        `Weakest in the shallows near the banks and on the inside of bends; strongest in the deep channel and on the outside of bends. Against the stream keep to the shallows, with it keep to the channel.`,
        ['shallows', 'inside of bends', 'channel', 'foul stream'],
      ),
    ],
  },
  {
    unit: 'unit-03',
    chapter: 'chapter-02',
    topic: 'topic-01',
    title: 'Capsize recovery',
    questions: [
      open(
        `What is the first thing you do after a capsize?`,
        `Count heads, my lovely, and stay with the boat. Then let the mainsheet go and find the centreboard.`,
        ['check everyone', 'stay with the boat'],
      ),
      open(
        `Describe righting a dinghy with the scoop method.`,
        `Helm swims round to the centreboard; crew floats inside the boat by the thwart. Helm climbs on the board and leans back on the jib sheet, the boat comes up and scoops the crew in, and the crew steadies her while the helm climbs in to windward.`,
        ['centreboard', 'crew inside', 'scoop', 'climb in to windward'],
      ),
      tf(
        `You should cleat the mainsheet before righting the boat so the sail is under control.`,
        false,
        `Uncleat everything, or the sail fills and she goes over again or sails off without you.`,
        ['uncleat sheets'],
      ),
      mc(
        `The boat keeps capsizing again as soon as you right her. What fixes it?`,
        ['Right her with the bow pointing into the wind', 'Pull the centreboard out', 'Sheet in hard first', 'Wait for more wind'],
        'A',
        `Swim the bow into the wind so the sail comes up flapping.`,
        ['bow to wind'],
      ),
    ],
  },
];
