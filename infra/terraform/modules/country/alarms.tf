# Country alarms beyond the service's 5xx rate (modules/service) and database storage
# (modules/postgres): the credit outbox, where a stuck push means a customer paid and has no
# electricity.

locals {
  # The credit outbox logs its backlog every minute as one bare JSON line
  # (country_api/payments/backlog.py):
  #   {"metric": "CreditOutboxBacklog", "country": "LS", "pending": 3, "dead": 0, "oldest_pending_seconds": 41}
  # The filter below turns `pending` into this metric, dimension Country; no AWS SDK in the app.
  metric_namespace = "GridCare/CountryApi"
  backlog_metric   = "CreditOutboxBacklog"
}

# The line is counted from both services' logs: it comes from whichever process runs the
# credit outbox (the API's lifespan, or the separate worker service), and counting both does
# no harm since the alarm reads the minimum.
resource "aws_cloudwatch_log_metric_filter" "credit_outbox_backlog" {
  for_each = {
    api    = module.api.log_group_name
    worker = module.worker.log_group_name
  }

  name           = "${local.name}-credit-outbox-backlog"
  log_group_name = each.value
  pattern        = "{ $.metric = \"${local.backlog_metric}\" }"

  metric_transformation {
    namespace = local.metric_namespace
    name      = local.backlog_metric
    value     = "$.pending"
    unit      = "Count"
    # The line's `country` is the country file's code, as is var.code in the alarm. (A filter
    # with dimensions may not set a default value: no line, no data point.)
    dimensions = { Country = "$.country" }
  }
}

moved {
  from = aws_cloudwatch_log_metric_filter.credit_outbox_backlog
  to   = aws_cloudwatch_log_metric_filter.credit_outbox_backlog["api"]
}

resource "aws_cloudwatch_metric_alarm" "credit_outbox_backlog" {
  alarm_name          = "${local.name}-credit-outbox-backlog"
  alarm_description   = "${var.name}: more than ${var.credit_backlog_alarm_threshold} meter credits waiting for 15 minutes"
  namespace           = local.metric_namespace # the metric the filter above produces
  metric_name         = local.backlog_metric
  dimensions          = { Country = var.code }
  statistic           = "Minimum" # every task logs the same database-wide count
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.credit_backlog_alarm_threshold

  # With meter credit on, silence means the credit outbox is not running: an alarm too.
  treat_missing_data = var.meter_credit_enabled ? "breaching" : "notBreaching"
  alarm_actions      = [var.alarm_topic_arn]
  ok_actions         = [var.alarm_topic_arn]
}
