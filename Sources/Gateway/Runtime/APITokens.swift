import KitchenModel
import KitchenRules
import StorageModel

extension TokenStore {
    /// Issues a token by `TokenPolicy` (refusing a role/scope pair it does not allow) and returns
    /// its plaintext, which is shown once and never stored.
    public func createToken(role: Role, scope: String?, label: String? = nil, now: EpochMillis) throws
        -> (token: String, record: APIToken)
    {
        try TokenPolicy.checkIssuable(role: role, scope: scope)
        let token = TokenPolicy.mint()
        return (token, try storeToken(token, role: role, scope: scope, label: label, now: now))
    }
}
