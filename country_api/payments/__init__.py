"""The money path: mobile-money payments to ledger entries, receipts and meter credits."""
