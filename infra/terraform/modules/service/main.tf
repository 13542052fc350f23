# One GridCare service on ECS Fargate: a process of the one GridCare image, chosen by command.
# With a host name it sits behind the shared load balancer (an API); without one it is a
# background process (a country's workers) reached by nobody.
#
# Fargate, not instances: the services are stateless (docs/architecture.md, "The picture"),
# so N identical tasks behind a load balancer is the whole scaling story, and there is no
# operating system to patch for a team without a dedicated operator.

locals {
  log_group     = "/gridcare/${var.name}"
  load_balanced = var.host_name != null
  max_count     = max(var.desired_count, coalesce(var.max_count, var.desired_count))
  # The image's own HEALTHCHECK, spelled out: ECS ignores a Dockerfile HEALTHCHECK.
  health_url = "http://127.0.0.1:${var.container_port}${var.health_check_path}"
}

resource "aws_cloudwatch_log_group" "service" {
  name              = local.log_group
  retention_in_days = 365
  kms_key_id        = var.platform.logs_kms_key_arn
}

data "aws_iam_policy_document" "assume_ecs_tasks" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.platform.account_id]
    }
  }
}

# The execution role starts the task: pulls the image, reads the secrets, opens the log stream.
resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.assume_ecs_tasks.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "read_secrets" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = values(var.secrets)
  }

  statement {
    actions   = ["kms:Decrypt"]
    resources = [var.secrets_kms_key_arn]
  }
}

resource "aws_iam_role_policy" "read_secrets" {
  name   = "read-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.read_secrets.json
}

# The task role is what the running application may call (kept apart from the execution role).
resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  assume_role_policy = data.aws_iam_policy_document.assume_ecs_tasks.json
}

resource "aws_iam_role_policy" "task" {
  count = var.task_policy_json == null ? 0 : 1

  name   = "application"
  role   = aws_iam_role.task.id
  policy = var.task_policy_json
}

resource "aws_ecs_task_definition" "service" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }

  # The root filesystem is read-only; exports and imports write their scratch files here.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([
    {
      name                   = "app"
      image                  = var.container_image
      command                = var.command
      essential              = true
      readonlyRootFilesystem = true
      user                   = "1000:1000"
      portMappings           = [{ containerPort = var.container_port, protocol = "tcp" }]
      mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      secrets                = [for name, arn in var.secrets : { name = name, valueFrom = arn }]
      # PORT tells the image's HEALTHCHECK where the command listens (the Dockerfile's contract).
      environment = [
        for name, value in merge(var.environment_variables, { PORT = tostring(var.container_port) }) :
        { name = name, value = value }
      ]
      # Any answer but 200 (503: database unreachable) counts; three in a row replace the task.
      healthCheck = {
        command     = ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('${local.health_url}', timeout=4)"]
        interval    = 30
        timeout     = 5
        retries     = 3
        startPeriod = 60
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.service.name
          awslogs-region        = var.platform.region
          awslogs-stream-prefix = "app"
        }
      }
    }
  ])
}

resource "aws_vpc_security_group_ingress_rule" "from_load_balancer" {
  count = local.load_balanced ? 1 : 0

  security_group_id            = var.security_group_id
  description                  = "${var.name} port ${var.container_port} from the load balancer"
  referenced_security_group_id = var.platform.alb_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
}

resource "aws_lb_target_group" "service" {
  #checkov:skip=CKV_AWS_378:TLS ends at the load balancer; tasks sit in private subnets and admit only its security group
  count = local.load_balanced ? 1 : 0

  name                 = var.name
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.platform.vpc_id
  deregistration_delay = 30

  health_check {
    path                = var.health_check_path
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }
}

resource "aws_lb_listener_rule" "host" {
  count = local.load_balanced ? 1 : 0

  listener_arn = var.platform.listener_arn

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.service[0].arn
  }

  condition {
    host_header {
      values = [var.host_name]
    }
  }
}

resource "aws_ecs_service" "service" {
  name                               = var.name
  cluster                            = var.platform.ecs_cluster_arn
  task_definition                    = aws_ecs_task_definition.service.arn
  desired_count                      = var.desired_count
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = local.load_balanced ? 60 : null
  enable_execute_command             = false
  propagate_tags                     = "SERVICE"

  network_configuration {
    subnets          = var.platform.private_subnet_ids
    security_groups  = [var.security_group_id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = aws_lb_target_group.service
    content {
      target_group_arn = load_balancer.value.arn
      container_name   = "app"
      container_port   = var.container_port
    }
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # Autoscaling owns the running count once the service exists (its minimum is desired_count).
  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener_rule.host]
}

# Every service has a scaling target, so Terraform sets bounds, never the running count.
# Without max_count the bounds are equal: the service stays at desired_count.
resource "aws_appautoscaling_target" "service" {
  service_namespace  = "ecs"
  resource_id        = "service/${var.platform.ecs_cluster_name}/${aws_ecs_service.service.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.desired_count
  max_capacity       = local.max_count
}

resource "aws_appautoscaling_policy" "cpu" {
  count = local.max_count > var.desired_count ? 1 : 0

  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.service.service_namespace
  resource_id        = aws_appautoscaling_target.service.resource_id
  scalable_dimension = aws_appautoscaling_target.service.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_out_cooldown = 60
    scale_in_cooldown  = 300

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_route53_record" "service" {
  count = local.load_balanced ? 1 : 0

  zone_id = var.dns_zone_id
  name    = var.host_name
  type    = "A"

  alias {
    name                   = var.platform.alb_dns_name
    zone_id                = var.platform.alb_zone_id
    evaluate_target_health = true
  }
}

# Share of requests answered 5xx by the service (its own errors, not the load balancer's).
resource "aws_cloudwatch_metric_alarm" "error_rate" {
  count = local.load_balanced ? 1 : 0

  alarm_name          = "${var.name}-5xx-rate"
  alarm_description   = "${var.name}: more than ${var.error_rate_alarm_percent}% of requests answered 5xx"
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.error_rate_alarm_percent
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]

  metric_query {
    id          = "error_rate"
    expression  = "IF(requests > 0, 100 * errors / requests, 0)"
    label       = "5xx share of requests (%)"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      period      = 300
      stat        = "Sum"
      dimensions = {
        LoadBalancer = var.platform.alb_arn_suffix
        TargetGroup  = aws_lb_target_group.service[0].arn_suffix
      }
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      period      = 300
      stat        = "Sum"
      dimensions = {
        LoadBalancer = var.platform.alb_arn_suffix
        TargetGroup  = aws_lb_target_group.service[0].arn_suffix
      }
    }
  }
}
