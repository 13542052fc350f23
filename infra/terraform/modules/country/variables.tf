# From the country file (config/countries/<code>.yaml).

variable "code" {
  description = "ISO 3166 country code, upper case (LS)."
  type        = string

  validation {
    condition     = can(regex("^[A-Z]{2}$", var.code))
    error_message = "code must be two upper-case letters, as in the country file."
  }
}

variable "name" {
  description = "Country name, for descriptions and tags."
  type        = string

  validation {
    condition     = length(trimspace(var.name)) > 0
    error_message = "name must not be empty."
  }
}

variable "api_port" {
  description = "Port the country API listens on (api.port in the country file)."
  type        = number

  validation {
    condition     = var.api_port >= 1024 && var.api_port <= 65535 && floor(var.api_port) == var.api_port
    error_message = "api_port must be an unprivileged port (1024-65535)."
  }
}

variable "meter_platforms" {
  description = "Meter platform plugins the country's sites use; each brings its own secrets."
  type        = list(string)

  validation {
    condition     = length(var.meter_platforms) > 0 && alltrue([for platform in var.meter_platforms : contains(["koios", "thundercloud", "onemeter"], platform)])
    error_message = "meter_platforms must list known platforms: koios, thundercloud, onemeter."
  }
}

variable "meter_credit_enabled" {
  description = "features.meter_credit: whether the credit outbox runs, so its silence is alarming."
  type        = bool
}

# From this deployment.

variable "environment" {
  description = "Deployment name (production, staging)."
  type        = string
}

variable "container_image" {
  description = "The GridCare image, repository:tag or repository@digest."
  type        = string
}

variable "desired_count" {
  description = "Country API tasks to run."
  type        = number
}

variable "worker_desired_count" {
  description = "Worker tasks to run at least; autoscaling adds more up to worker_max_count."
  type        = number
}

variable "worker_max_count" {
  description = "Most worker tasks autoscaling may run (on CPU), independently of the API."
  type        = number
}

variable "worker_port" {
  description = "Port of the worker's /health inside its task (never exposed)."
  type        = number
  default     = 9100

  validation {
    condition     = var.worker_port >= 1024 && var.worker_port <= 65535 && floor(var.worker_port) == var.worker_port
    error_message = "worker_port must be an unprivileged port (1024-65535)."
  }
}

variable "cpu" {
  description = "Fargate CPU units per task (API and worker tasks alike)."
  type        = number
}

variable "memory" {
  description = "Fargate memory per task in MiB (API and worker tasks alike)."
  type        = number
}

variable "db_instance_class" {
  description = "RDS instance class of the country's database."
  type        = string
}

variable "db_allocated_storage" {
  description = "Initial database storage in GiB."
  type        = number
}

variable "jwks_url" {
  description = "The gateway's key set; the country API verifies staff tokens against it."
  type        = string

  validation {
    condition     = startswith(var.jwks_url, "https://")
    error_message = "jwks_url must be an https:// URL."
  }
}

variable "api_domain" {
  description = "Domain the country API is named under: <code>.<api_domain>."
  type        = string
}

variable "dns_zone_id" {
  description = "Route53 zone holding api_domain."
  type        = string
}

variable "credit_backlog_alarm_threshold" {
  description = "Alarm when more credits than this wait in the outbox for 15 minutes."
  type        = number
  default     = 50

  validation {
    condition     = var.credit_backlog_alarm_threshold >= 0
    error_message = "credit_backlog_alarm_threshold must not be negative."
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
