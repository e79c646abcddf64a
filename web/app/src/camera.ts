// Scans a QR code with the camera: frames from getUserMedia are drawn on a canvas and decoded
// by the same QR decoder the CLI uses (rqrr, in WebAssembly).

import { decodeQr } from '../../dist/pkg/rugzak_web.js';

/// Starts the camera in `video` and calls `found` once with the first QR text; returns a
/// function that stops the camera.
export function scanInto(video: HTMLVideoElement, found: (text: string) => void, failed: (e: unknown) => void): () => void {
  let stream: MediaStream | null = null;
  let stopped = false;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const stop = (): void => {
    stopped = true;
    stream?.getTracks().forEach((track) => track.stop());
  };
  const tick = (): void => {
    if (stopped || !ctx) return;
    if (video.readyState >= 2 && video.videoWidth > 0) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      ctx.drawImage(video, 0, 0);
      const frame = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const text = decodeQr(frame.width, frame.height, new Uint8Array(frame.data.buffer));
      if (text) {
        stop();
        found(text);
        return;
      }
    }
    setTimeout(tick, 150);
  };
  navigator.mediaDevices?.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
    .then((s) => {
      if (stopped) { s.getTracks().forEach((track) => track.stop()); return; }
      stream = s;
      video.srcObject = s;
      return video.play().then(tick);
    })
    .catch(failed);
  return stop;
}
