/** Shapes of the gateway and country API answers the portal reads (see their OpenAPI docs).
 * Money is a decimal string in major units of `currency`; energy a kWh decimal string. */

export interface LoginAnswer {
  access_token: string;
  token_type: "bearer";
  country: string;
  role: string;
  expires_in: number;
}

export interface Me {
  username: string;
  display_name?: string;
  country: string;
  role: string;
  countries: Record<string, string>;
}

export interface CountrySummary {
  code: string;
  slug?: string;
  name: string;
  currency: string;
  locale: string;
}

export interface Site {
  code: string;
  name: string;
  meter_platform: string;
  district?: string | null;
  active?: boolean;
  alt_names?: string[];
  edited_by?: string | null;
  edited_at?: string | null;
}

export interface RegistrationRules {
  bounds: { min_latitude: number; max_latitude: number; min_longitude: number; max_longitude: number } | null;
  extra_fields: ("rooms" | "appliances")[];
}

export interface DuplicateMatch {
  reason: "national_id" | "phone_and_name";
  customer_id: number;
  account_number: string | null;
  first_name: string;
  last_name: string;
  phone: string | null;
  national_id: string | null;
  site_code: string;
}

export interface ImportProblem {
  row: number;
  field: string;
  message: string;
}

export interface ImportReport {
  rows: number;
  valid: number;
  created: number;
  skipped: number;
  dry_run: boolean;
  partial: boolean;
  errors: ImportProblem[];
  warnings: ImportProblem[];
  accounts: { row: number; account_number: string }[];
}

export interface CountryConfig {
  country: string;
  name: string;
  currency: string;
  locale: string;
  locales: string[];
  timezone: string;
  sites: Site[];
  default_tariff_per_kwh: string | null;
  features: Record<string, boolean>;
  registration?: RegistrationRules;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export type MeterRole = "primary" | "check" | "backup";

export interface Meter {
  meter_id: string;
  role: MeterRole | null;
  status: string;
  platform: string;
  account_number?: string | null;
  assigned_at?: string | null;
}

export interface Customer {
  id: number;
  first_name: string;
  last_name: string;
  phone: string | null;
  national_id: string | null;
  customer_type: string;
  site_code: string;
  account_numbers: string[];
  active: boolean;
  connected_at?: string | null;
  terminated_at?: string | null;
  category?: string;
  gender?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  village?: string | null;
  plot_number?: string | null;
  second_phone?: string | null;
  /** The language of the customer's messages (`st`); unset: every language of the country. */
  language?: string | null;
  rooms?: number | null;
  appliances?: number | null;
}

export interface Account {
  account_number: string;
  site_code: string;
  opened_at: string;
  closed_at: string | null;
  meters: Meter[];
}

export interface CustomerDetail extends Customer {
  account_number: string | null;
  accounts: Account[];
  created_at: string;
  updated_at: string;
  warnings?: DuplicateMatch[];
}

export interface Payment {
  id: number;
  account_number: string;
  amount: string;
  currency: string;
  kwh: string;
  rate: string | null;
  provider: string;
  reference: string;
  paid_at: string;
  status: "posted" | "reversed" | "reversal" | string;
  credit_status: string;
  fee_amount: string;
  source: string;
}

export interface Balance {
  account_number: string;
  currency: string;
  amount: string;
  kwh: string;
  fee_debt: string;
}

export type Granularity = "hour" | "day" | "month";

export interface Consumption {
  items: { period: string; kwh: string }[];
  unit: "kWh";
}

export interface InboxMessage {
  id: number;
  source: string;
  sender: string;
  content: string;
  received_at: string;
  outcome: string;
  reason: string | null;
  parsed: Record<string, unknown> | null;
  payment_id: number | null;
  account_number: string | null;
  allocated_by: string | null;
}

/** One outbound message (receipt, alert…) and what the SMS gateway reported for it. */
export interface OutboundMessage {
  id: number;
  gateway_id: string;
  channel: string;
  to: string;
  content: string;
  language: string | null;
  kind: string;
  account_number: string | null;
  customer_id: number | null;
  payment_id: number | null;
  status: string;
  /** The gateway phone it was handed to. */
  gateway: string | null;
  reason: string | null;
  attempts: number;
  created_at: string;
  handed_over_at: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  failed_at: string | null;
}

export interface Tariff {
  id: number | null;
  scope: string;
  site_code: string | null;
  customer_id: number | null;
  rate_per_kwh: string;
  currency: string;
  effective_from: string | null;
  created_at: string | null;
  created_by: string;
  note: string | null;
}

export interface TariffView {
  current: Tariff | null;
  history: Tariff[];
}

export interface ArpuFigures {
  revenue: string;
  customers: number;
  arpu: string;
}

export interface ArpuReport {
  currency: string;
  arpu: (ArpuFigures & { period: string; currency: string; per_site: Record<string, ArpuFigures> })[];
}

export interface SalesEntry {
  period: string;
  revenue: string;
  fees: string;
  payments: number;
  kwh_vended: string;
  customers_cumulative: number;
}

export interface SalesReport {
  currency: string;
  series: SalesEntry[];
  per_site: Record<string, SalesEntry[]>;
}

export interface ConsumptionEntry {
  period: string;
  kwh: string;
  customers: number;
  average_kwh_per_customer: string;
}

export interface ConsumptionReport {
  unit: "kWh";
  series: ConsumptionEntry[];
  per_site: Record<string, ConsumptionEntry[]>;
}

export interface CustomerEntry {
  period: string;
  total: number;
  active: number;
  new: number;
  terminated: number;
  paying: number;
  activation_rate: string | null;
  growth: number;
  growth_rate: string | null;
}

export interface CustomerReport {
  series: CustomerEntry[];
  per_site: Record<string, CustomerEntry[]>;
}

export interface GlobalRow {
  period: string;
  amount_local: string | null;
  currency: string;
  rate: string | null;
  amount_usd: string | null;
  missing_rate: boolean;
}

export interface GlobalCountry {
  status: "ok" | "unavailable" | string;
  reason: string | null;
  series: GlobalRow[];
}

export interface GlobalRevenue {
  currency: "USD";
  granularity: string;
  partial: boolean;
  countries: Record<string, GlobalCountry>;
  totals: { period: string; amount_usd: string | null; partial: boolean }[];
  rates: { currency: string; period: string; rate: string; source: string }[];
  missing_rates: { currency: string; period: string }[];
}

/** The credit outbox: credits still to reach a meter platform (`/api/payments/outbox/backlog`). */
export interface CreditBacklog {
  pending: number;
  dead: number;
  oldest_pending_seconds: number;
}

export interface OnboardingStep {
  step: string;
  done: boolean;
  at: string | null;
  by?: string | null;
}

export interface Onboarding {
  account_number: string;
  stage: string;
  since: string;
  steps: OnboardingStep[];
}

export interface StageSummary {
  stage: string;
  count: number;
  oldest_since: string | null;
  longest_days: number | null;
  median_days: number | null;
}

export interface Pipeline {
  site_code: string;
  stages: StageSummary[];
}

export interface PipelineAccount {
  account_number: string;
  name: string;
  phone: string | null;
  since: string;
  days: number;
}

export interface PipelineAccounts {
  site_code: string;
  stage: string;
  items: PipelineAccount[];
}

export interface WaitingPayment {
  message_id: number;
  amount: string;
  currency: string;
  payer_phone: string | null;
  reference: string | null;
  received_at: string | null;
  content: string;
}

export interface SignedContract {
  id: number;
  account_number: string;
  language: string;
  signer_name: string;
  witnessed_by: string;
  signed_at: string;
  sha256: string;
  size: number;
}
