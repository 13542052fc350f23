variable "identifier" {
  description = "RDS instance identifier (gridcare-production-ls)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,62}$", var.identifier)) && !endswith(var.identifier, "-")
    error_message = "identifier must be lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "database_name" {
  description = "The database the application connects to."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be a lower-case PostgreSQL identifier."
  }
}

variable "engine_version" {
  description = "PostgreSQL major version; the application supports 15 and newer."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^[0-9]+$", var.engine_version)) && tonumber(var.engine_version) >= 15
    error_message = "engine_version must be a PostgreSQL major version of 15 or newer."
  }
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be an RDS class such as db.t4g.medium."
  }
}

variable "allocated_storage" {
  description = "Initial storage in GiB; storage autoscaling may grow it to four times this."
  type        = number

  validation {
    condition     = var.allocated_storage >= 20 && var.allocated_storage <= 16384
    error_message = "allocated_storage must be between 20 and 16384 GiB."
  }
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35."
  }
}

variable "multi_az" {
  description = "Keep a synchronous standby in a second availability zone."
  type        = bool
  default     = true
}

variable "vpc_id" {
  description = "VPC of the database's security group."
  type        = string
}

variable "db_subnet_group_name" {
  description = "Private subnets the database lives in."
  type        = string
}

variable "client_security_group_id" {
  description = "Security group allowed to connect on 5432 (the service's tasks)."
  type        = string
}

variable "kms_key_arn" {
  description = "Key for storage, Performance Insights and the URL secret."
  type        = string
}

variable "monitoring_role_arn" {
  description = "Role RDS enhanced monitoring publishes with."
  type        = string
}

variable "alarm_topic_arn" {
  description = "SNS topic told when storage runs low."
  type        = string
}

variable "free_storage_alarm_percent" {
  description = "Alarm when free storage falls below this share of allocated storage."
  type        = number
  default     = 15

  validation {
    condition     = var.free_storage_alarm_percent > 0 && var.free_storage_alarm_percent < 100
    error_message = "free_storage_alarm_percent must be between 0 and 100."
  }
}
