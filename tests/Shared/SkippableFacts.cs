namespace PrivateRag.Tests;

/// <summary>A fact that is skipped, with the reason, when ../shared is not beside the project.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (!SharedData.Available) Skip = SharedData.MissingReason;
    }
}

/// <summary>A theory that is skipped, with the reason, when ../shared is not beside the project.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute()
    {
        if (!SharedData.Available) Skip = SharedData.MissingReason;
    }
}
