import type { AuthorizationRequest } from './authorizationRequests';
import { type DemoUser, fullName } from './users';

/** Escapes text for use in HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
body { font-family: system-ui, sans-serif; background: #f4f6f8; color: #1b1f24; margin: 0; }
main { max-width: 28rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px;
  box-shadow: 0 1px 4px rgba(0,0,0,.15); }
h1 { font-size: 1.4rem; margin-top: 0; }
p.note { color: #57606a; font-size: .9rem; }
ul { list-style: none; padding: 0; }
li { margin: .5rem 0; }
button { width: 100%; padding: .75rem; font-size: 1rem; text-align: left; cursor: pointer;
  border: 1px solid #d0d7de; border-radius: 6px; background: #fff; }
button:hover, button:focus { background: #eef4ff; border-color: #1f6feb; }
button.cancel { text-align: center; color: #57606a; }`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function hidden(name: string, value: string | undefined): string {
  return value === undefined
    ? ''
    : `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(
        value,
      )}">`;
}

/**
 * The mock's login page, titled "SpectroCloud Palette (mock)": one
 * `<button name="user" value="<uid>">` per user (text: full name and email)
 * in a form that POSTs the authorization request as hidden fields to
 * `approveUrl`, plus a Cancel button (`name="cancel"`). Everything echoed is
 * HTML-escaped.
 */
export function renderLoginPage(options: {
  tenant: string;
  approveUrl: string;
  request: AuthorizationRequest;
  users: readonly DemoUser[];
}): string {
  const { tenant, approveUrl, request, users } = options;
  const fields = [
    hidden('response_type', 'code'),
    hidden('client_id', request.clientId),
    hidden('redirect_uri', request.redirectUri),
    hidden('state', request.state),
    hidden('nonce', request.nonce),
    hidden('scope', request.scope),
    hidden('code_challenge', request.codeChallenge),
    hidden('code_challenge_method', request.codeChallengeMethod),
  ]
    .filter(Boolean)
    .join('\n');
  const buttons = users
    .map(
      user =>
        `<li><button type="submit" name="user" value="${escapeHtml(
          user.uid,
        )}">${escapeHtml(fullName(user))} &lt;${escapeHtml(
          user.email,
        )}&gt;</button></li>`,
    )
    .join('\n');
  return page(
    'SpectroCloud Palette (mock)',
    `<h1>SpectroCloud Palette (mock)</h1>
<p>Sign in to tenant <strong>${escapeHtml(tenant)}</strong> for
<strong>${escapeHtml(request.clientId)}</strong> as:</p>
<form method="post" action="${escapeHtml(approveUrl)}">
${fields}
<ul>
${buttons}
</ul>
<button type="submit" name="cancel" value="1" class="cancel">Cancel</button>
</form>
<p class="note">This is a mock identity provider for demos and tests. No password is asked.</p>`,
  );
}

/** A readable HTML error page (for bad authorization requests). */
export function renderErrorPage(message: string): string {
  return page(
    'SpectroCloud Palette (mock): error',
    `<h1>Invalid sign-in request</h1>
<p>${escapeHtml(message)}</p>
<p class="note">SpectroCloud Palette (mock) did not redirect back to the application.</p>`,
  );
}
