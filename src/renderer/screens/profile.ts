/**
 * Profile: the display name the app shows instead of the username (in the header and on Home).
 * The rule shows before the first submit with a live count, is checked before sending in the
 * core's own words (`contract/profile-rules.ts`), and the server's refusal lands on the field. The
 * username is shown for what it is: the name to sign in with, which does not change.
 */
import {
  cleanDisplayName,
  DISPLAY_NAME_MAX_LENGTH,
  DISPLAY_NAME_RULE,
  displayNameProblem,
} from '../../contract/profile-rules';
import { h } from '../dom';
import { signedInUsername, type Screen, type ScreenContext } from '../screen';
import { withoutFieldPath } from '../text/errors';
import { field } from '../ui/field';
import { createForm } from '../ui/form';
import { messageArea } from '../ui/message';

/** The profile screen. */
export function profileScreen(ctx: ScreenContext): Screen {
  const username = signedInUsername(ctx.state());
  const name = field({
    label: 'Display name',
    testId: 'profile-display-name',
    autocomplete: 'name',
    hint: DISPLAY_NAME_RULE,
    hintTestId: 'display-name-rule',
    lengthMeter: { max: DISPLAY_NAME_MAX_LENGTH, count: (value) => [...value.trim()].length },
  });
  const status = messageArea('profile-status', 'status');
  const form = createForm({
    name: 'profile',
    fields: [name],
    submit: { label: 'Save', busyLabel: 'Saving…' },
  });
  let edited = false;
  name.input.addEventListener('input', () => {
    edited = true;
    status.show(null);
  });
  const fill = (value: string | null): void => {
    if (edited || value === null) return;
    name.input.value = value;
    name.input.dispatchEvent(new Event('input'));
    edited = false;
  };
  fill(ctx.displayName());

  // The header may not have the name yet (or it changed in another window): ask for it.
  void ctx.app.profileGet().then(async (result) => {
    if (result.ok) fill(result.value.displayName);
    else if (!(await ctx.handleLostSession(result)))
      form.error.show(`Your display name could not be loaded. ${result.error.message}`);
  });

  form.onSubmit(async () => {
    status.show(null);
    const typed = name.value();
    if (!form.check([[name, displayNameProblem(typed)]])) return;
    const result = await form.send(() => ctx.app.profileUpdate({ displayName: typed }));
    if (result.ok) {
      const saved = result.value.displayName ?? cleanDisplayName(typed);
      name.input.value = saved;
      name.input.dispatchEvent(new Event('input'));
      edited = false;
      ctx.setDisplayName(saved);
      status.show(
        ['Saved. The app now calls you ', h('strong', { class: 'display-name' }, saved), '.'],
        'success',
      );
      return;
    }
    if (await ctx.handleLostSession(result)) return;
    const { code, message } = result.error;
    if (code === 'INVALID_INPUT') form.check([[name, withoutFieldPath(message)]]);
    else {
      form.error.show(message);
      form.submit.focus();
    }
  });

  const element = h(
    'section',
    { class: 'card', 'data-testid': 'screen-profile', 'aria-labelledby': 'profile-title' },
    h('h1', { id: 'profile-title', tabindex: '-1' }, 'Profile'),
    h(
      'p',
      { class: 'card-lead' },
      'Choose the name the app shows for you. You still sign in as ',
      h('strong', { class: 'username', 'data-testid': 'profile-username' }, username),
      '.',
    ),
    status.element,
    form.element,
  );
  return { element, focus: () => name.input.focus() };
}
