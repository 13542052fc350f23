variable "name" {
  description = "Service name, unique in the cluster (gridcare-production-ls)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,31}$", var.name))
    error_message = "name must be at most 32 lower-case letters, digits and dashes (target group limit)."
  }
}

variable "container_image" {
  description = "Image to run, repository:tag or repository@digest."
  type        = string
}

variable "command" {
  description = "Arguments to the image's ENTRYPOINT gridcare (serve country …, worker …), without gridcare itself."
  type        = list(string)

  validation {
    condition     = length(var.command) > 0 && contains(["serve", "worker"], var.command[0])
    error_message = "command must be gridcare arguments (serve …, worker …) without the gridcare itself: the image's ENTRYPOINT adds it."
  }
}

variable "container_port" {
  description = "Port the service listens on inside its task; /health there must answer 200."
  type        = number

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be an unprivileged port (1024-65535)."
  }
}

variable "cpu" {
  description = "Fargate CPU units per task."
  type        = number

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.cpu)
    error_message = "cpu must be a Fargate size: 256, 512, 1024, 2048 or 4096."
  }
}

variable "memory" {
  description = "Fargate memory per task in MiB."
  type        = number

  validation {
    condition     = var.memory >= 512 && var.memory <= 30720
    error_message = "memory must be between 512 and 30720 MiB."
  }
}

variable "desired_count" {
  description = "Tasks to run; two or more spread over availability zones."
  type        = number

  validation {
    condition     = var.desired_count >= 1 && var.desired_count <= 20
    error_message = "desired_count must be between 1 and 20."
  }
}

variable "max_count" {
  description = "Most tasks autoscaling may run (tracking cpu_target_percent); null keeps the service at desired_count."
  type        = number
  default     = null

  validation {
    condition     = var.max_count == null ? true : var.max_count >= 1 && var.max_count <= 20
    error_message = "max_count must be between 1 and 20."
  }
}

variable "cpu_target_percent" {
  description = "Average CPU autoscaling holds the service at, between desired_count and max_count tasks."
  type        = number
  default     = 60

  validation {
    condition     = var.cpu_target_percent >= 10 && var.cpu_target_percent <= 90
    error_message = "cpu_target_percent must be between 10 and 90."
  }
}

variable "environment_variables" {
  description = "Plain (non-secret) environment of the container."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variable name => Secrets Manager secret ARN, injected at start."
  type        = map(string)

  validation {
    condition     = alltrue([for name in keys(var.secrets) : can(regex("^GRIDCARE_[A-Z0-9_]+$", name))])
    error_message = "secrets must be keyed by GRIDCARE_* environment variable names."
  }
}

variable "secrets_kms_key_arn" {
  description = "Key the secrets are encrypted with (the execution role decrypts with it)."
  type        = string
}

variable "task_policy_json" {
  description = "IAM policy for what the running application may call (null for nothing)."
  type        = string
  default     = null
}

variable "host_name" {
  description = "Fully qualified DNS name the service answers on (ls.api.gridcare.example.org); null: no load balancer, DNS name or 5xx alarm (a background service)."
  type        = string
  default     = null
}

variable "dns_zone_id" {
  description = "Route53 zone holding host_name (unused without one)."
  type        = string
  default     = null
}

variable "security_group_id" {
  description = "Security group of the tasks (made by the caller, so databases can admit it)."
  type        = string
}

variable "health_check_path" {
  description = "Path the load balancer and the container health check poll; 200 means healthy."
  type        = string
  default     = "/health"
}

variable "error_rate_alarm_percent" {
  description = "Alarm when this share of requests answer 5xx over 5 minutes."
  type        = number
  default     = 5

  validation {
    condition     = var.error_rate_alarm_percent > 0 && var.error_rate_alarm_percent <= 100
    error_message = "error_rate_alarm_percent must be between 0 and 100."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic told when an alarm fires."
  type        = string
}

variable "platform" {
  description = "The shared platform (VPC, cluster, load balancer) from the root configuration."
  type = object({
    name                    = string
    region                  = string
    account_id              = string
    vpc_id                  = string
    vpc_cidr                = string
    private_subnet_ids      = list(string)
    db_subnet_group_name    = string
    cache_subnet_group_name = string
    ecs_cluster_arn         = string
    ecs_cluster_name        = string
    listener_arn            = string
    alb_security_group_id   = string
    alb_arn_suffix          = string
    alb_dns_name            = string
    alb_zone_id             = string
    logs_kms_key_arn        = string
    rds_monitoring_role_arn = string
  })
}
