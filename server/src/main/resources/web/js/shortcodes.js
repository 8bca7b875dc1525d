// `:shortcode:` emoji in message bodies: a small table of common ones, named as GitHub and
// Slack name them. A shortcode not listed here stays text.

const EMOJI = new Map(Object.entries({
  '+1': '👍', thumbsup: '👍', '-1': '👎', thumbsdown: '👎', ok_hand: '👌', clap: '👏', wave: '👋',
  pray: '🙏', muscle: '💪', raised_hands: '🙌', point_up: '☝️', point_right: '👉', point_left: '👈',
  eyes: '👀', brain: '🧠',
  smile: '😄', smiley: '😃', grin: '😁', grinning: '😀', laughing: '😆', joy: '😂', rofl: '🤣',
  sweat_smile: '😅', wink: '😉', blush: '😊', slightly_smiling_face: '🙂', upside_down_face: '🙃',
  heart_eyes: '😍', kissing_heart: '😘', yum: '😋', stuck_out_tongue: '😛', sunglasses: '😎',
  nerd_face: '🤓', thinking: '🤔', neutral_face: '😐', expressionless: '😑', unamused: '😒',
  roll_eyes: '🙄', grimacing: '😬', relieved: '😌', pensive: '😔', sleepy: '😪', sleeping: '😴',
  mask: '😷', confused: '😕', worried: '😟', open_mouth: '😮', astonished: '😲', flushed: '😳',
  cry: '😢', sob: '😭', scream: '😱', angry: '😠', rage: '😡', skull: '💀', shrug: '🤷',
  facepalm: '🤦', partying_face: '🥳', hugs: '🤗', zipper_mouth_face: '🤐', see_no_evil: '🙈',
  heart: '❤️', broken_heart: '💔', sparkling_heart: '💖', fire: '🔥', sparkles: '✨', star: '⭐',
  zap: '⚡', boom: '💥', tada: '🎉', confetti_ball: '🎊', gift: '🎁', balloon: '🎈', trophy: '🏆',
  rocket: '🚀', '100': '💯', white_check_mark: '✅', heavy_check_mark: '✔️', x: '❌',
  warning: '⚠️', no_entry: '⛔', question: '❓', exclamation: '❗', bulb: '💡', memo: '📝',
  pushpin: '📌', link: '🔗', lock: '🔒', key: '🔑', bell: '🔔', calendar: '📅', hourglass: '⌛',
  bug: '🐛', wrench: '🔧', hammer: '🔨', gear: '⚙️', package: '📦', chart_with_upwards_trend: '📈',
  coffee: '☕', tea: '🍵', beer: '🍺', beers: '🍻', wine_glass: '🍷', pizza: '🍕', cake: '🍰',
  birthday: '🎂', cookie: '🍪', sunny: '☀️', cloud: '☁️', umbrella: '☔', snowflake: '❄️',
  rainbow: '🌈', earth_africa: '🌍', dog: '🐶', cat: '🐱', unicorn: '🦄',
}));

/** The emoji for a shortcode without its colons (`tada`), or undefined. */
export function emojiFor(name) {
  return EMOJI.get(name);
}

/** Every shortcode of the table, in its order (the emoji picker searches them). */
export function emojiNames() {
  return [...EMOJI.keys()];
}
