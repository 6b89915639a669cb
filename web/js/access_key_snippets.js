// What the API access page shows about a key, as plain functions (tested under node): the code
// to paste into boto3 or a shell, and the dates of the list. No DOM, no storage.

// The Rekognition-compatible API answers at /aws on the server that serves the web app.
export function endpointUrl(origin) {
  return `${origin.replace(/\/+$/, '')}/aws`;
}

// A Python string literal for any text: JSON's double-quoted form is valid Python for the
// characters keys and origins hold (ASCII, with backslashes and quotes escaped).
function pythonString(text) {
  return JSON.stringify(String(text));
}

// A POSIX shell word that the shell takes literally: single quotes, each ' written as '\''.
export function shellQuote(text) {
  return `'${String(text).replace(/'/g, `'\\''`)}'`;
}

// boto3, the AWS SDK for Python: a client on findme's endpoint that lists the collections.
// Rekognition clients need a region; findme accepts any.
export function botoSnippet({ origin, accessKeyId, secretAccessKey }) {
  return [
    'import boto3',
    '',
    'rekognition = boto3.client(',
    '    "rekognition",',
    `    endpoint_url=${pythonString(endpointUrl(origin))},`,
    '    region_name="any-region",',
    `    aws_access_key_id=${pythonString(accessKeyId)},`,
    `    aws_secret_access_key=${pythonString(secretAccessKey)},`,
    ')',
    'print(rekognition.list_collections())',
    '',
  ].join('\n');
}

// The AWS CLI in a POSIX shell: the credentials in the environment variables it reads, then one
// call on findme's endpoint.
export function awsCliSnippet({ origin, accessKeyId, secretAccessKey }) {
  return [
    `export AWS_ACCESS_KEY_ID=${shellQuote(accessKeyId)}`,
    `export AWS_SECRET_ACCESS_KEY=${shellQuote(secretAccessKey)}`,
    'export AWS_DEFAULT_REGION=any-region',
    `aws rekognition list-collections --endpoint-url ${shellQuote(endpointUrl(origin))}`,
    '',
  ].join('\n');
}

// A key's date (RFC 3339 from the server) in the reader's language, to the minute; null (a key
// never used) gives `never`, and text that is not a date is shown as it came.
export function formatWhen(iso, lang, never) {
  if (iso === null || iso === undefined) return never;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
