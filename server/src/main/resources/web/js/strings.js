// Every user-visible string of threads, mentions and notifications, in one table, so that a
// translation replaces this one object. Counts and names are parameters of functions (never
// glued onto a fixed sentence), because word order and plurals differ between languages:
// Korean puts the count after the noun and has no plural, Polish has three plural forms.
// Older views still keep their strings inline; an i18n issue moves them here.

const plural = (n, one, many) => (n === 1 ? one : many);

export const S = {
  // a new version of the client on the server (version.js)
  updateAvailable: 'Banter was updated. Reload to use the new version.',
  updateReload: 'Reload',
  updateDismiss: 'Dismiss',

  // the theme button (theme.js): its text names the theme in use, its label what a press does
  themeButton: (t) => ({ system: '◐ Auto', light: '☀ Light', dark: '☾ Dark' })[t],
  themeLabel: (t) =>
    ({
      system: 'Theme: follows the system. Switch to light',
      light: 'Theme: light. Switch to dark',
      dark: 'Theme: dark. Switch to following the system',
    })[t],

  // threads
  replyInThread: 'Reply in thread',
  replies: (n) => plural(n, '1 reply', `${n} replies`),
  lastReply: (when) => `last reply ${when}`,
  threadTitle: 'Thread',
  threadIn: (room) => `in ${room}`,
  closeThread: 'Close thread',
  threadMessage: 'Reply in this thread',
  threadSend: 'Send reply',
  threadLoading: 'Loading the thread…',
  threadLoadFailed: (why) => `Could not load the thread: ${why}`,
  threadNoReplies: 'No replies yet.',
  threadsButton: 'Threads',
  threadsTitle: 'Threads',
  closeThreads: 'Close threads',
  threadsLoading: 'Loading…',
  threadsNone: 'No threads yet. Threads you start, reply to or are mentioned in show here.',
  threadsLoadFailed: (why) => `Could not load the threads: ${why}`,
  unreadReplies: (n) => plural(n, '1 unread reply', `${n} unread replies`),
  unreadThreads: (n) => plural(n, '1 thread with unread replies', `${n} threads with unread replies`),
  participants: (names) => `with ${names.join(', ')}`,
  sendFailed: (why) => `not sent: ${why}`,
  editing: 'Editing message',
  cancelEdit: 'Cancel edit',
  send: 'Send',

  // mentions
  mentionSuggestions: 'People to mention',
  mentionRoom: 'Notify everyone in this room',
  mentionHere: 'Notify everyone online in this room',
  mentionBadge: (n) => `@${n > 99 ? '99+' : n}`,
  mentionsLabel: (n) => plural(n, '1 mention', `${n} mentions`),
  mentionedYou: 'Mentions you',

  // notification settings (room header menu)
  notifyButton: 'Notifications',
  notifyMenu: 'Notification settings',
  levelAll: 'All messages',
  levelMentions: 'Mentions only',
  levelNone: 'Nothing',
  mute1h: 'Mute for 1 hour',
  mute8h: 'Mute for 8 hours',
  muteForever: 'Mute until I unmute',
  unmute: 'Unmute',
  mutedUntil: (when) => `Muted until ${when}`,
  muted: 'Muted',
  stateAll: 'All',
  stateMentions: 'Mentions',
  stateNone: 'Off',
  enableDesktop: 'Enable desktop notifications',
  desktopBlocked: 'Desktop notifications are blocked in this browser',
  desktopOn: 'Desktop notifications are on',
  sound: 'Notification sound',
  settingsFailed: (why) => `Could not change the notification settings: ${why}`,

  // the permission prompt
  promptRegion: 'Desktop notifications',
  promptText: 'Get a desktop notification when someone mentions you or writes to you directly.',
  promptEnable: 'Enable desktop notifications',
  promptDismiss: 'Not now',

  // desktop notifications (title of the notification, by reason)
  notifyMention: (who, room) => `${who} mentioned you in ${room}`,
  notifyRoom: (who, room) => `${who} in ${room}`,
  notifyDirect: (who) => `${who} (direct message)`,
  notifyThread: (who, room) => `${who} replied in a thread in ${room}`,

  // the tab title: the unread count first, so it shows in a narrow tab
  title: (n) => (n ? `(${n > 99 ? '99+' : n}) Banter` : 'Banter'),

  // composer and navigation (#21, items 5 and 6): edit/drafts, the emoji picker, the quick
  // switcher, deep links, the skip link
  replyingTo: (who, text) => `Replying to ${who}: ${text}`,
  waitForUploads: 'Wait for the files to finish uploading (or remove them).',
  emojiButton: 'Insert emoji',
  emojiPanel: 'Emoji',
  emojiReactionPanel: 'Pick a reaction',
  emojiSearch: 'Search emoji',
  emojiNone: 'No emoji found.',
  emojiResults: 'Search results',
  emojiMore: 'More emoji',
  emojiCategories: {
    smileys: 'Smileys',
    people: 'People and gestures',
    symbols: 'Hearts and symbols',
    objects: 'Celebration and objects',
    food: 'Food and drink',
    nature: 'Nature and weather',
  },
  reactWith: (emoji) => `React with ${emoji}`,
  switcherButton: 'Jump to…',
  switcherTitle: 'Jump to a room',
  switcherInput: 'Room or person',
  switcherPlaceholder: 'Type a room or a name',
  switcherList: 'Rooms and direct messages',
  switcherNone: 'No room or direct message matches.',
  switcherHint: 'Up and down arrows choose, Enter opens, Escape closes.',
  switcherUnread: (n) => plural(n, '1 unread', `${n} unread`),
  switcherCurrent: 'open now',
  copyLink: 'Copy link',
  linkCopied: 'Link copied',
  copyLinkTitle: 'Link to this message',
  copyLinkManual: 'Your browser did not allow copying: select the link and copy it.',
  close: 'Close',
  routeNoRoom: 'This room does not exist, or it was deleted.',
  routeForbidden: 'This room is private and you are not a member of it.',
  routeNotJoined: (room) => `You are not a member of # ${room}.`,
  routeJoin: (room) => `Join # ${room}`,
  routeFailed: (why) => `Could not open the link: ${why}`,
  routeNoMessage: 'That message is not in this room (it may have been removed).',
  dismiss: 'Dismiss',
  skipToComposer: 'Skip to the message composer',
};
