namespace Functional.Facade.Verification;

/// <summary>Thrown by <see cref="LayerCheck"/>'s Assert when a layer fails a property; the message says which and how to replay it.</summary>
public sealed class LayerCheckException : Exception
{
    /// <summary>An exception without a failure.</summary>
    public LayerCheckException()
    {
    }

    /// <summary>An exception with a message and no failure.</summary>
    public LayerCheckException(string message)
        : base(message)
    {
    }

    /// <summary>An exception with a message, a cause and no failure.</summary>
    public LayerCheckException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception for <paramref name="failure"/>, whose <see cref="LayerCheckFailure.Message"/> it carries.</summary>
    public LayerCheckException(LayerCheckFailure failure)
        : base((failure ?? throw new ArgumentNullException(nameof(failure))).Message) => Failure = failure;

    /// <summary>The failure, when the exception was made from one.</summary>
    public LayerCheckFailure? Failure { get; }
}
