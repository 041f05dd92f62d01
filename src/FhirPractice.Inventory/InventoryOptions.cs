namespace FhirPractice.Inventory;

/// <summary>Settings of the inventory module (configuration section FhirPractice:Inventory).</summary>
public sealed class InventoryOptions
{
    /// <summary>How often the expiry sweeper looks for lots nearing their expiry.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Days before expiry at which a lot with stock raises an alert, each once.</summary>
    public int[] ExpiryAlertDays { get; set; } = [90, 60, 30];

    /// <summary>How long a follow-up that failed waits before it is tried again (a commit wakes the worker sooner).</summary>
    public TimeSpan FollowUpRetryInterval { get; set; } = TimeSpan.FromSeconds(30);
}
