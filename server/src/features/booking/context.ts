import type { Clock } from '../../clock.js';
import type { HospitalSystem } from '../../integrations/hospital/port.js';
import type { WechatPay } from '../../integrations/wechatpay/port.js';
import type { Logger } from '../../logging/logger.js';
import type { AuthService } from '../auth/service.js';
import type { DirectoryService } from '../directory/service.js';
import type { PatientsService } from '../patients/service.js';
import type { Inventory } from './inventory.js';
import type { Lifecycle } from './lifecycle.js';
import type { BookingModels } from './model.js';
import type { Notifier } from './notifications.js';
import type { Refunds } from './refunds.js';
import type { Registration } from './registration.js';
import type { BookingSettings } from './settings.js';
import type { SlotTurns } from './slot-turns.js';
import type { SoldOutSlots } from './sold-out.js';
import type { Waitlist } from './waitlist.js';

/** Where the sandbox cashier is (H5 has no WeChat Pay): the page a person confirms a payment on. */
export interface SandboxCashier {
  /** The cashier URL for a prepay (`prepay_id=…` package), returning to `returnUrl` afterwards. */
  urlFor(input: { prepayId: string; outTradeNo: string; returnUrl: string }): string;
}

/** What the booking feature is built from (main or a test passes these in). */
export interface BookingDeps {
  models: BookingModels;
  hospital: HospitalSystem;
  patients: Pick<PatientsService, 'authorize' | 'get' | 'list' | 'accountsHolding' | 'linkedToHospitalPatient'>;
  directory: Pick<DirectoryService, 'listInstitutions' | 'listDepartments'>;
  wechatPay: WechatPay;
  /** The payer's openid under our AppID (the account's WeChat identity): the auth service. */
  accounts: Pick<AuthService, 'openidOf'>;
  clock: Clock;
  logger: Logger;
  settings: BookingSettings;
  /** The sandbox cashier, in sandbox mode only. */
  cashier?: SandboxCashier;
  /** The H5 app's origin (`http://127.0.0.1:3000`, known once listening), for the cashier's return URL. */
  appUrl?: () => string;
}

/**
 * Work that outlives the request that started it (registration after a notify, releasing a
 * place after a cancel): tracked so shutdown and tests can wait for it, never throwing.
 */
export interface Background {
  run(name: string, task: () => Promise<unknown>): void;
  /** Resolves when nothing is running (tasks started meanwhile included). */
  idle(): Promise<void>;
}

/** Creates the tracker; failures are logged. */
export function createBackground(logger: Logger): Background {
  const running = new Set<Promise<unknown>>();
  return {
    run(name, task) {
      const promise = Promise.resolve()
        .then(task)
        .catch((error: unknown) => logger.error({ err: error, task: name }, 'booking background task failed'))
        .finally(() => running.delete(promise));
      running.add(promise);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

/** The deps plus the feature's parts, each able to call the others (bound once in index.ts). */
export interface BookingContext extends BookingDeps {
  background: Background;
  inventory: Inventory;
  lifecycle: Lifecycle;
  registration: Registration;
  refunds: Refunds;
  waitlist: Waitlist;
  notifier: Notifier;
  soldOut: SoldOutSlots;
  turns: SlotTurns;
}
