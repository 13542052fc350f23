variable "environment" {
  description = "Deployment name, used in resource names and tags (production, staging)."
  type        = string
  default     = "production"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.environment))
    error_message = "environment must be 2-12 lower-case letters, digits or dashes, starting with a letter (it prefixes names limited to 32 characters)."
  }
}

variable "region" {
  description = "AWS region for every country and the gateway. Cape Town is closest to the minigrids."
  type        = string
  default     = "af-south-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as af-south-1."
  }
}

variable "dns_zone_name" {
  description = "Existing Route53 public hosted zone; countries answer at <code>.api.<zone>, the portal at app.<zone>."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.dns_zone_name))
    error_message = "dns_zone_name must be a lower-case domain name without a trailing dot (gridcare.example.org)."
  }
}

variable "container_image" {
  description = "The one GridCare image (country API and gateway), as repository:tag or repository@digest."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9./_-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$", var.container_image))
    error_message = "container_image must name an explicit tag or digest (…/gridcare:1.4.2), never an implicit latest."
  }
}

variable "vpc_cidr" {
  description = "Address space of the platform's VPC."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && try(tonumber(split("/", var.vpc_cidr)[1]) <= 20, false)
    error_message = "vpc_cidr must be an IPv4 CIDR block of /20 or larger."
  }
}

variable "alarm_emails" {
  description = "Who is told when an alarm fires (confirmed through the SNS subscription e-mail)."
  type        = list(string)

  validation {
    condition     = length(var.alarm_emails) > 0 && alltrue([for email in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", email))])
    error_message = "alarm_emails must list at least one e-mail address."
  }
}

variable "country_overrides" {
  description = "Per-country sizing, keyed by country file name (ls); unset values keep the defaults in countries.tf."
  type = map(object({
    desired_count        = optional(number)
    worker_desired_count = optional(number)
    worker_max_count     = optional(number)
    cpu                  = optional(number)
    memory               = optional(number)
    db_instance_class    = optional(string)
    db_allocated_storage = optional(number)
  }))
  default = {}

  validation {
    condition     = alltrue([for slug, _ in var.country_overrides : fileexists("${local.countries_dir}/${slug}.yaml")])
    error_message = "country_overrides may only name countries that have a file in config/countries/."
  }
}
