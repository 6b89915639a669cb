// Choosing a selfie: the front camera (getUserMedia) or a file, then a preview to confirm.
import { clear, errorBox, h } from './dom.js';
import { t } from './i18n.js';

// The long side the server reads a selfie at, at most (domain/selfie_face.h).
const SELFIE_MAX_SIDE = 1280;

// A photo from the phone's library can be 12 MP and 4 MB: shrunk here to SELFIE_MAX_SIDE, it
// uploads in a fraction of the time on venue Wi-Fi and costs the server a few milliseconds to
// decode instead of ~50, with the same face to match (the server would shrink it to that size
// itself). The EXIF orientation is applied first. A file the browser cannot read goes as it is:
// the server says what is wrong with it.
export async function shrinkSelfie(file, maxSide = SELFIE_MAX_SIDE) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = maxSide / Math.max(bitmap.width, bitmap.height);
    if (scale >= 1) return file;
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d');
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
    return blob ? new File([blob], 'selfie.jpg', { type: 'image/jpeg' }) : file;
  } catch {
    return file;
  } finally {
    bitmap?.close();
  }
}

// Returns {element, stop}. onPicked(blob) may refuse a blob (returns false); onUse(blob) sends it.
export function selfiePicker({ onPicked, onUse }) {
  const element = h('div', { class: 'stack' });
  let stream = null;
  let previewUrl = null;

  const stop = () => {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = null;
  };

  const fileInput = h('input', {
    type: 'file',
    id: 'selfie-file',
    accept: 'image/*',
    class: 'visually-hidden',
  });
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files[0];
    fileInput.value = '';
    if (file) picked(await shrinkSelfie(file));
  });

  const choose = () => {
    stop();
    const buttons = h('div', { class: 'actions' });
    if (navigator.mediaDevices?.getUserMedia) {
      buttons.append(
        h('button', { type: 'button', class: 'primary', onclick: startCamera }, t('selfie.camera')),
      );
    }
    buttons.append(
      h('label', { for: 'selfie-file', class: 'button secondary' }, t('selfie.file')),
      fileInput,
    );
    clear(element).append(buttons);
  };

  async function startCamera() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 1280 } },
        audio: false,
      });
    } catch {
      choose();
      element.prepend(errorBox(t('selfie.camera.denied')));
      return;
    }
    const video = h('video', {
      class: 'camera',
      autoplay: true,
      playsinline: true,
      muted: true,
      'aria-label': t('selfie.title'),
    });
    video.srcObject = stream;
    const capture = h(
      'button',
      {
        type: 'button',
        class: 'primary',
        onclick: () => {
          const canvas = document.createElement('canvas');
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          canvas.getContext('2d').drawImage(video, 0, 0);
          canvas.toBlob(
            async (blob) => {
              if (blob)
                picked(await shrinkSelfie(new File([blob], 'selfie.jpg', { type: 'image/jpeg' })));
            },
            'image/jpeg',
            0.92,
          );
        },
      },
      t('selfie.capture'),
    );
    clear(element).append(
      video,
      h(
        'div',
        { class: 'actions' },
        capture,
        h('button', { type: 'button', class: 'secondary', onclick: choose }, t('app.cancel')),
      ),
    );
    capture.focus();
  }

  function picked(blob) {
    stop();
    if (onPicked(blob) === false) {
      choose();
      return;
    }
    previewUrl = URL.createObjectURL(blob);
    const use = h(
      'button',
      { type: 'button', class: 'primary', onclick: () => onUse(blob) },
      t('selfie.use'),
    );
    clear(element).append(
      h(
        'figure',
        { class: 'preview' },
        h('img', { src: previewUrl, alt: t('selfie.preview') }),
        h('figcaption', { class: 'visually-hidden' }, t('selfie.preview')),
      ),
      h(
        'div',
        { class: 'actions' },
        use,
        h('button', { type: 'button', class: 'secondary', onclick: choose }, t('selfie.again')),
      ),
    );
    use.focus();
  }

  choose();
  return { element, stop };
}
