// Every user-visible string of threads, mentions and notifications, in one table, so that a
// translation replaces this one object. Counts and names are parameters of functions (never
// glued onto a fixed sentence), because word order and plurals differ between languages:
// Korean puts the count after the noun and has no plural, Polish has three plural forms.
// Older views still keep their strings inline; an i18n issue moves them here.

const plural = (n, one, many) => (n === 1 ? one : many);

export const S = {
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

  // reading state and replies (#21): the unread divider, "seen by", reply quotes
  newMessagesDivider: 'New messages',
  seenBy: (names, more) => (more > 0 ? `Seen by ${names.join(', ')} +${more}` : `Seen by ${names.join(', ')}`),
  seenByAll: (names, more) => (more > 0
    ? `Seen by ${names.join(', ')} and ${plural(more, '1 other', `${more} others`)}`
    : `Seen by ${names.join(', ')}`),
  quoteLoading: 'loading the original message…',
  quoteGone: 'the original message is gone',
  quoteUnknown: 'original message',
  quoteDeleted: 'message deleted',
  jumpToParent: (who, text) => `Show the original message by ${who}: ${text}`,
  jumpToParentHint: 'Show the original message',
};
