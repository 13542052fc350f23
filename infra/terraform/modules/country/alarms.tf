# Country alarms beyond the service's 5xx rate (modules/service) and database storage
# (modules/postgres): the credit outbox, where a stuck push means a customer paid and has no
# electricity.

locals {
  # Published by the country API every minute: the number of credits waiting in the outbox,
  # dimension Country = LS.
  metric_namespace = "GridCare/CountryApi"
  backlog_metric   = "CreditOutboxBacklog"
}

resource "aws_cloudwatch_metric_alarm" "credit_outbox_backlog" {
  alarm_name          = "${local.name}-credit-outbox-backlog"
  alarm_description   = "${var.name}: more than ${var.credit_backlog_alarm_threshold} meter credits waiting for 15 minutes"
  namespace           = local.metric_namespace
  metric_name         = local.backlog_metric
  dimensions          = { Country = var.code }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.credit_backlog_alarm_threshold

  # With meter credit on, silence means the worker is down: that is an alarm too.
  treat_missing_data = var.meter_credit_enabled ? "breaching" : "notBreaching"
  alarm_actions      = [var.alarm_topic_arn]
  ok_actions         = [var.alarm_topic_arn]
}
