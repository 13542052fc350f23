variable "environment" {
  description = "Deployment name (production, staging)."
  type        = string
}

variable "container_image" {
  description = "The GridCare image, repository:tag or repository@digest."
  type        = string
}

variable "country_api_urls" {
  description = "Every country's API address by country file name (ls => https://ls.api.…)."
  type        = map(string)

  validation {
    condition     = length(var.country_api_urls) > 0 && alltrue([for slug, url in var.country_api_urls : can(regex("^[a-z]{2}$", slug)) && startswith(url, "https://")])
    error_message = "country_api_urls must map two-letter country file names to https:// URLs."
  }
}

variable "portal_host" {
  description = "Where staff open the portal (CloudFront): app.<zone>."
  type        = string
}

variable "api_host" {
  description = "The gateway's own name on the load balancer (CloudFront's origin for /api): gateway.<zone>."
  type        = string
}

variable "dns_zone_id" {
  description = "Route53 zone holding portal_host and api_host."
  type        = string
}

variable "access_logs_bucket" {
  description = "Bucket CloudFront and S3 write their access logs to."
  type        = string
}

variable "desired_count" {
  description = "Gateway tasks to run."
  type        = number
  default     = 2
}

variable "cpu" {
  description = "Fargate CPU units per gateway task."
  type        = number
  default     = 512
}

variable "memory" {
  description = "Fargate memory per gateway task in MiB."
  type        = number
  default     = 1024
}

variable "port" {
  description = "Port the gateway listens on inside its task."
  type        = number
  default     = 8000
}

variable "db_instance_class" {
  description = "RDS instance class of the gateway database (employees and roles: small)."
  type        = string
  default     = "db.t4g.small"
}

variable "redis_node_type" {
  description = "ElastiCache node type for the gateway's cache and rate limits."
  type        = string
  default     = "cache.t4g.small"

  validation {
    condition     = startswith(var.redis_node_type, "cache.")
    error_message = "redis_node_type must be an ElastiCache node type such as cache.t4g.small."
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
