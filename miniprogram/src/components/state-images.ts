import emptyImage from '../assets/states/empty.png';
import errorImage from '../assets/states/error.png';
import networkImage from '../assets/states/network.png';

/**
 * Local pictures for NutUI's Empty: its defaults are fetched from a third-party CDN, which the
 * hospital network may block and which would tell that CDN who opened which screen.
 */
export const STATE_IMAGES = {
  empty: emptyImage as string,
  error: errorImage as string,
  network: networkImage as string,
} as const;
