// The fields of the sign-up and sign-in forms, shared by attendees and organizers.
import { t } from './i18n.js';
import { clear, field } from './dom.js';

// Name (for a new account only), e-mail and password, with the browser's autofill hints.
export function accountFields({ newAccount, email = '' }) {
  return [
    newAccount
      ? field({
          id: 'name',
          label: t('form.name'),
          required: true,
          autocomplete: 'name',
          maxlength: 100,
        })
      : null,
    field({
      id: 'email',
      label: t('form.email'),
      type: 'email',
      required: true,
      autocomplete: 'email',
      value: email || null,
    }),
    field({
      id: 'password',
      label: t('form.password'),
      type: 'password',
      required: true,
      minlength: 10,
      autocomplete: newAccount ? 'new-password' : 'current-password',
      hint: newAccount ? t('form.password.hint') : null,
    }),
  ];
}

// An error stays until the person changes something, then it goes (it no longer applies).
export function clearErrorsOnInput(form, errors) {
  form.addEventListener('input', () => {
    clear(errors);
    form.querySelectorAll('[aria-invalid]').forEach((i) => i.removeAttribute('aria-invalid'));
  });
}
