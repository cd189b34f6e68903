using Functional.Data;
using Functional.Facade.Data;
using Functional.Facade.IO;
using Functional.Facade.Training;
using Functional.Losses;
using Functional.Networks;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Facade;

/// <summary>
/// A trained or freshly initialised classifier: a <see cref="Networks.Network"/> and its parameters, as an
/// immutable value. Methods that change it return a new model.
/// </summary>
/// <remarks>
/// <para>
/// Thread safety: a model is immutable, and every member may be called from any number of threads at once, on
/// the same model or on different ones. Each call gives the bits a sequential call gives: the core's scratch
/// buffers are per thread and never outlive a call, its shared fork worker takes one caller's work at a time
/// (the others split theirs on the thread pool instead), and float32 parameters widened to float64 on first use
/// are widened to the same values whichever thread gets there first. Concurrent <see cref="Save"/> calls, even to
/// one path, each write the whole file atomically; the last rename wins.
/// </para>
/// </remarks>
public sealed class Model
{
    /// <summary>A model of <paramref name="network"/> with <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">The parameters do not fit the network.</exception>
    public Model(Network network, ParamTree parameters)
    {
        Mlp.RequireFit(network, parameters);
        Network = network;
        Parameters = parameters;
    }

    /// <summary>The architecture.</summary>
    public Network Network { get; }

    /// <summary>The parameters, "W1", "b1", ….</summary>
    public ParamTree Parameters { get; }

    /// <summary>A copy with other parameters of the same shapes.</summary>
    public Model WithParameters(ParamTree parameters) => new(Network, parameters);

    /// <summary>The class scores before softmax, [batch, classes].</summary>
    public Tensor Scores(Tensor x) => Mlp.Predict(Network, Parameters, x);

    /// <summary>The class probabilities, [batch, classes]; each row sums to 1.</summary>
    public Tensor Probabilities(Tensor x) => SoftmaxWithLoss.Softmax(Scores(x));

    /// <summary>The most likely class of each row of <paramref name="x"/> ([batch, features]).</summary>
    public int[] Predict(Tensor x)
    {
        var scores = Scores(x);
        int batch = scores.Shape[0], classes = scores.Shape[1];
        var predicted = new int[batch];
        for (var i = 0; i < batch; i++)
        {
            var row = scores.Span.Slice(i * classes, classes);
            for (var j = 1; j < classes; j++)
            {
                if (row[j] > row[predicted[i]])
                {
                    predicted[i] = j;
                }
            }
        }
        return predicted;
    }

    /// <summary>The most likely class of each row.</summary>
    public int[] Predict(double[,] x) => Predict(Inputs.ToTensor(x));

    /// <summary>The most likely class of each row; rows must have equal length.</summary>
    public int[] Predict(double[][] x) => Predict(Inputs.ToTensor(x));

    /// <summary>The most likely class of each byte image (pixels scaled to [0, 1] as in training).</summary>
    public int[] Predict(byte[][] images) => Predict(Inputs.ToTensor(images));

    /// <summary>Mean loss and accuracy over a whole data set, evaluated in chunks of 1,000 samples.</summary>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    public Evaluation Evaluate(ILabeledData data) => TrainingRun.Evaluate(Network, Parameters, data);

    /// <summary>Writes the model as safetensors (float64 tensors, the architecture in the metadata), atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, SafeTensors.Encode(Parameters, ModelMetadata.Of(Network)));

    /// <summary>Reads a model written by <see cref="Save"/> or by <c>train</c> (its params.safetensors).</summary>
    /// <param name="path">The safetensors file (F64, F32, F16 or BF16 tensors, the architecture in the metadata).</param>
    /// <param name="allowNonFinite">Load parameters holding NaN or ±∞ instead of refusing them.</param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not a valid model, or (unless <paramref name="allowNonFinite"/>) a parameter is not finite; the
    /// message names the file and what is wrong.
    /// </exception>
    public static Model Load(string path, bool allowNonFinite = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} not found.", path);
        }
        var (parameters, metadata) = SafeTensors.Decode(File.ReadAllBytes(path), path);
        var network = ModelMetadata.Read(metadata, path);
        Model model;
        try
        {
            model = new Model(network, parameters);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        if (!allowNonFinite)
        {
            SafeTensors.RequireFinite(parameters, path);
        }
        return model;
    }

    /// <summary>The architecture, e.g. <c>Affine(784→50) Relu Affine(50→10) SoftmaxWithLoss</c>.</summary>
    public override string ToString() => Network.Describe();
}
