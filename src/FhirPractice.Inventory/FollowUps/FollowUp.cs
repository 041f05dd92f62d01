namespace FhirPractice.Inventory.FollowUps;

/// <summary>
/// A resource the module must create because of a committed write: a draft SupplyRequest, an alert
/// (Communication) or a ChargeItem. Queued in module state in the write's own transaction and created
/// through the engine afterwards by <see cref="FollowUpWorker"/>, with <see cref="Id"/> as its identifier so
/// that creating it twice (after a crash) makes one resource. <see cref="AboutRequest"/>: the follow-up id of the
/// SupplyRequest a low-stock alert is about (queued before it, so created first).
/// </summary>
public sealed record FollowUp(
    string Kind,
    string Id,
    string Item,
    string Location,
    DateTimeOffset At,
    string? Alert = null,
    string? Text = null,
    decimal? Quantity = null,
    string? Patient = null,
    string? Event = null,
    string? AboutRequest = null)
{
    public const string SupplyRequest = "supply-request", AlertKind = "alert", Charge = "charge";
}
