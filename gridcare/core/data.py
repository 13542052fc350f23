"""Where the reference data shipped with the code lives (`data/` at the repository root)."""

from gridcare.core.paths import DATA_DIR

SMS_SAMPLES_DIR = DATA_DIR / "sms"
BN_SAM_HOURLY_CSV = DATA_DIR / "consumption" / "bn_sam_hourly_kwh.csv.gz"
