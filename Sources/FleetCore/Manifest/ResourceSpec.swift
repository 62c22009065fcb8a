/// Kubernetes resource requests and limits of a bot's gateway container (`spec.resources`).
public struct ResourceSpec: Sendable, Hashable {
    /// `requests.cpu`.
    public var requestsCPU: String?
    /// `requests.memory`.
    public var requestsMemory: String?
    /// `limits.cpu`.
    public var limitsCPU: String?
    /// `limits.memory`.
    public var limitsMemory: String?

    /// Creates a spec; every value is optional.
    public init(requestsCPU: String? = nil, requestsMemory: String? = nil, limitsCPU: String? = nil, limitsMemory: String? = nil) {
        self.requestsCPU = requestsCPU
        self.requestsMemory = requestsMemory
        self.limitsCPU = limitsCPU
        self.limitsMemory = limitsMemory
    }

    /// These values, each falling back to the one in `defaults`.
    public func over(_ defaults: ResourceSpec?) -> ResourceSpec {
        ResourceSpec(requestsCPU: requestsCPU ?? defaults?.requestsCPU, requestsMemory: requestsMemory ?? defaults?.requestsMemory,
                     limitsCPU: limitsCPU ?? defaults?.limitsCPU, limitsMemory: limitsMemory ?? defaults?.limitsMemory)
    }
}
