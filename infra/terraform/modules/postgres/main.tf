# A managed PostgreSQL: encrypted, private, backed up, protected from deletion. Its `url`
# output is what the caller stores as GRIDCARE_DATABASE_URL (or GRIDCARE_GATEWAY_DATABASE_URL).

resource "aws_security_group" "database" {
  name        = "${var.identifier}-postgres"
  description = "PostgreSQL ${var.identifier}: service tasks only"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from service tasks"
  referenced_security_group_id = var.client_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_db_parameter_group" "postgres" {
  name_prefix = "${var.identifier}-pg${var.engine_version}-"
  family      = "postgres${var.engine_version}"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # Statements slower than 1 s are logged with their text: enough to find a slow query
  # without logging every payment.
  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "random_password" "master" {
  length  = 40
  special = false # the password goes into a URL unescaped
}

resource "aws_db_instance" "postgres" {
  identifier     = var.identifier
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class
  db_name        = var.database_name
  username       = "gridcare"
  password       = random_password.master.result
  port           = 5432

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.allocated_storage * 4
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_subnet_group_name   = var.db_subnet_group_name
  vpc_security_group_ids = [aws_security_group.database.id]
  publicly_accessible    = false
  multi_az               = var.multi_az
  parameter_group_name   = aws_db_parameter_group.postgres.name

  backup_retention_period   = var.backup_retention_days
  backup_window             = "00:00-01:00"
  maintenance_window        = "sun:01:30-sun:02:30"
  copy_tags_to_snapshot     = true
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.identifier}-final"
  delete_automated_backups  = false

  auto_minor_version_upgrade          = true
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]
  monitoring_interval                 = 60
  monitoring_role_arn                 = var.monitoring_role_arn
  performance_insights_enabled        = true
  performance_insights_kms_key_id     = var.kms_key_arn

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_cloudwatch_metric_alarm" "free_storage" {
  alarm_name          = "${var.identifier}-free-storage-low"
  alarm_description   = "PostgreSQL ${var.identifier}: free storage below ${var.free_storage_alarm_percent}% of ${var.allocated_storage} GiB"
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = { DBInstanceIdentifier = aws_db_instance.postgres.identifier }
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = var.allocated_storage * 1073741824 * var.free_storage_alarm_percent / 100
  treat_missing_data  = "breaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}
