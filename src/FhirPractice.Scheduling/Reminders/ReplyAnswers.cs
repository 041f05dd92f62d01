namespace FhirPractice.Scheduling.Reminders;

/// <summary>The two answers to a reminder, and how a patient's short text reply reads as one.</summary>
public static class ReplyAnswers
{
    public const string Confirm = "confirm";
    public const string Cancel = "cancel";

    /// <summary><see cref="Confirm"/>, <see cref="Cancel"/>, or null for a text that is neither.</summary>
    public static string? Read(string? text) => text?.Trim().TrimEnd('.', '!').ToLowerInvariant() switch
    {
        "confirm" or "yes" or "y" or "c" => Confirm,
        "cancel" or "no" or "n" or "x" => Cancel,
        _ => null,
    };
}
