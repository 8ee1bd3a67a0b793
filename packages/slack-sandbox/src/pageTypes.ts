/**
 * What the host (the app under test, a demo) tells the page besides the workspace, which the page
 * reads from `/local/state`. Shared by the server (page.ts) and the page's code (web/), so this
 * module imports nothing.
 */

/** How a badge or a line reads: `safe` is green (e.g. a dry run), `danger` red (live, an error). */
export type Tone = 'safe' | 'danger';

export interface Badge {
  readonly text: string;
  readonly tone: Tone;
}

/** `GET /sandbox/info`: every field is optional; the page has a default for each. */
export interface SandboxPageInfo {
  /** The browser tab's title. Default: `#<channel> · Slack sandbox`. */
  readonly title?: string;
  /** The line under the workspace name. Default: `Slack sandbox · nothing leaves this machine`. */
  readonly note?: string;
  /** The id of the channel the page shows. Default: the workspace's first channel. */
  readonly channel?: string;
  /** The channel's topic, under its name (e.g. what the app posts there). */
  readonly topic?: string;
  /** The message box's placeholder. Default: `Type a slash command: /command text`. */
  readonly composerPlaceholder?: string;
  /**
   * Added to the note a plain message gets (the page sends slash commands only), e.g.
   * `try /myapp help`.
   */
  readonly commandHint?: string;
  /** The user the page acts as at first (id), unless `?as=` or the last choice says otherwise. */
  readonly defaultUser?: string;
  /** A line about the user the page acts as, e.g. what the app lets them do. */
  readonly roles?: {
    /** By user id. */
    readonly byUser: Readonly<Record<string, string>>;
    /** For every user not in `byUser`. */
    readonly others?: string;
  };
  /** A badge under the user switcher, e.g. whether the app runs for real. */
  readonly mode?: Badge;
}

/** `GET /sandbox/info` answers the host's info and whether there is a side panel. */
export interface SandboxPageInfoAnswer extends SandboxPageInfo {
  readonly sidePanel: boolean;
}

/** One line of a side panel entry; `muted` lines are small and grey, `danger` ones red. */
export interface SidePanelLine {
  readonly text: string;
  readonly tone?: 'muted' | 'danger';
}

export interface SidePanelEntry {
  /** Unique within the panel (the element's `data-entry-id`). */
  readonly id: string;
  /** When it happened (ISO 8601), shown in the browser's local time. */
  readonly at: string;
  readonly title: string;
  /** `danger` shows the title in red (e.g. a refusal). */
  readonly tone?: Tone;
  readonly badge?: Badge;
  readonly lines?: readonly SidePanelLine[];
}

/** `GET /sandbox/side-panel`: a column right of the channel, e.g. the app's audit log. */
export interface SidePanel {
  readonly title: string;
  /** Newest first, as the page shows them. */
  readonly entries: readonly SidePanelEntry[];
  /** Shown when there are no entries. */
  readonly empty?: string;
}

/** What Slack's client says, at once, for a slash command no installed app declares. */
export function unknownCommandText(command: string): string {
  return `${command} is not a valid command. In Slack, all messages that start with the "/" character are interpreted as commands. If you are trying to send a message that starts with a "/" character, try adding a space before it.`;
}
