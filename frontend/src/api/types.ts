/** Shapes of the gateway and country API answers the portal reads (see their OpenAPI docs). */

export interface LoginAnswer {
  access_token: string;
  token_type: "bearer";
  country: string;
  role: string;
  expires_in: number;
}

export interface Me {
  username: string;
  country: string;
  role: string;
  countries: Record<string, string>;
}

export interface CountrySummary {
  code: string;
  name: string;
  currency: string;
  locale: string;
}

export interface Site {
  code: string;
  name: string;
  meter_platform: string;
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
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface Meter {
  meter_id: string;
  role: "primary" | "check" | "backup";
  status: string;
  platform: string;
  account_number?: string | null;
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
  meters?: Meter[];
}
