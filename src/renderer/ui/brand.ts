/**
 * The app's identity: its mark (a balance in a rounded square, the same drawing as the favicon
 * in index.html) and its name.
 */
import { h, svg } from '../dom';

/** The product's name, as every screen says it. */
export const APP_NAME = 'Justice Companion';

/** The mark, decorative (the name beside it says what it is). */
function mark(size = 28): SVGElement {
  const line = (d: string): SVGElement =>
    svg('path', {
      d,
      fill: 'none',
      stroke: '#ffffff',
      'stroke-width': 2,
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
    });
  return svg(
    'svg',
    {
      class: 'mark',
      viewBox: '0 0 32 32',
      width: size,
      height: size,
      'aria-hidden': 'true',
      focusable: 'false',
    },
    svg('rect', { width: 32, height: 32, rx: 8, fill: '#1a4f9c' }),
    line('M16 7v17M11 25h10M8 10h16'),
    line('M8 10l-3 7h6zM24 10l-3 7h6z'),
  );
}

/** The mark and the name, as the header shows them. */
export function brand(): HTMLElement {
  return h('p', { class: 'brand', 'data-testid': 'brand' }, mark(), h('span', {}, APP_NAME));
}
