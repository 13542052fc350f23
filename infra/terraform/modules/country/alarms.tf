# Country alarms beyond the service's 5xx rate (modules/service) and database storage
# (modules/postgres): the credit outbox, where a stuck push means a customer paid and has no
# electricity.

locals {
  # The country API logs its credit outbox backlog every minute as one bare JSON line
  # (country_api/payments/backlog.py):
  #   {"metric": "CreditOutboxBacklog", "country": "LS", "pending": 3, "dead": 0, "oldest_pending_seconds": 41}
  # The filter below turns `pending` into this metric, dimension Country; no AWS SDK in the app.
  metric_namespace = "GridCare/CountryApi"
  backlog_metric   = "CreditOutboxBacklog"
}

resource "aws_cloudwatch_log_metric_filter" "credit_outbox_backlog" {
  name           = "${local.name}-credit-outbox-backlog"
  log_group_name = module.api.log_group_name
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

resource "aws_cloudwatch_metric_alarm" "credit_outbox_backlog" {
  alarm_name          = "${local.name}-credit-outbox-backlog"
  alarm_description   = "${var.name}: more than ${var.credit_backlog_alarm_threshold} meter credits waiting for 15 minutes"
  namespace           = local.metric_namespace # the metric the filter above produces
  metric_name         = local.backlog_metric
  dimensions          = { Country = var.code }
  statistic           = "Minimum" # every API task logs the same database-wide count
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.credit_backlog_alarm_threshold

  # With meter credit on, silence means the API (and its worker) is down: an alarm too.
  treat_missing_data = var.meter_credit_enabled ? "breaching" : "notBreaching"
  alarm_actions      = [var.alarm_topic_arn]
  ok_actions         = [var.alarm_topic_arn]
}
