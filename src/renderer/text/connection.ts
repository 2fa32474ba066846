/**
 * What the banner says when the main process (or, in the browser preview, the preview host)
 * cannot be reached. Pure, so it is unit-tested.
 */

/** The banner's words: a title and what to do. */
export interface UnreachableText {
  title: string;
  text: string;
}

/**
 * The banner for the app (`preview` false) or the browser preview (served over http by the
 * preview host, which a restart gives a new address and token).
 */
export function unreachableText(preview: boolean): UnreachableText {
  return preview
    ? {
        title: 'The preview host is not responding',
        text: 'Nothing can be saved until it is back. If you stopped it, start it again (npm run preview) and open the new address it prints.',
      }
    : {
        title: 'Justice Companion is not responding',
        text: 'Nothing can be saved until it is back. If this lasts, quit and restart the app.',
      };
}

/** What a request that could not be delivered answers. */
export const UNREACHABLE_ERROR =
  'The app is not responding, so this could not be done. Try again in a moment.';
