# What every service shares: the platform key, the ECS cluster, the image repository and the
# alarm topic. Country data has its own keys (modules/country); this key covers logs and alarms.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Everything a service module needs from the shared platform, passed as one typed object.
  platform = {
    name                    = local.name
    region                  = var.region
    account_id              = local.account_id
    vpc_id                  = aws_vpc.main.id
    vpc_cidr                = aws_vpc.main.cidr_block
    private_subnet_ids      = aws_subnet.private[*].id
    db_subnet_group_name    = aws_db_subnet_group.private.name
    cache_subnet_group_name = aws_elasticache_subnet_group.private.name
    ecs_cluster_arn         = aws_ecs_cluster.main.arn
    ecs_cluster_name        = aws_ecs_cluster.main.name
    listener_arn            = aws_lb_listener.https.arn
    alb_security_group_id   = aws_security_group.alb.id
    alb_arn_suffix          = aws_lb.main.arn_suffix
    alb_dns_name            = aws_lb.main.dns_name
    alb_zone_id             = aws_lb.main.zone_id
    logs_kms_key_arn        = aws_kms_key.platform.arn
    rds_monitoring_role_arn = aws_iam_role.rds_monitoring.arn
  }
}

data "aws_iam_policy_document" "platform_key" {
  #checkov:skip=CKV_AWS_109:a key policy's Resource "*" is the key itself; root administers it, as in AWS's default key policy
  #checkov:skip=CKV_AWS_111:a key policy's Resource "*" is the key itself; services are limited by principal and condition
  #checkov:skip=CKV_AWS_356:a key policy's Resource "*" is the key itself, never other resources
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsEncrypt"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*"]
    }
  }

  statement {
    sid       = "AlarmsPublishToEncryptedTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "platform" {
  description             = "${local.name}: logs, alarms, images"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.platform_key.json
}

resource "aws_kms_alias" "platform" {
  name          = "alias/${local.name}-platform"
  target_key_id = aws_kms_key.platform.key_id
}

resource "aws_ecs_cluster" "main" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.platform.arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.ecs_exec.name
      }
    }
  }
}

resource "aws_cloudwatch_log_group" "ecs_exec" {
  name              = "/gridcare/${var.environment}/ecs-exec"
  retention_in_days = 365
  kms_key_id        = aws_kms_key.platform.arn
}

resource "aws_ecs_cluster_capacity_providers" "main" {
  cluster_name       = aws_ecs_cluster.main.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

# One image runs every service: `gridcare serve country --country ls`, `gridcare serve gateway`.
resource "aws_ecr_repository" "gridcare" {
  name                 = "gridcare"
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.platform.arn
  }
}

resource "aws_sns_topic" "alarms" {
  name              = "${local.name}-alarms"
  kms_master_key_id = aws_kms_key.platform.arn
}

resource "aws_sns_topic_subscription" "alarm_emails" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# RDS enhanced monitoring publishes OS metrics through this role (one for every database).
data "aws_iam_policy_document" "rds_monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "rds_monitoring" {
  name               = "${local.name}-rds-monitoring"
  assume_role_policy = data.aws_iam_policy_document.rds_monitoring_assume.json
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  role       = aws_iam_role.rds_monitoring.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}
