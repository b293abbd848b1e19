import { z } from 'zod';

/** The body of every 400 of a failed check: what failed, and each problem with its field. */
export const validationErrorBody = z
  .object({
    message: z.string().meta({ example: 'invalid body' }),
    errors: z.array(
      z.object({
        field: z.string().meta({
          description:
            'The parameter or body field (`encounters[3].age` in a list); `(body)` for the whole body.',
          example: 'reason',
        }),
        message: z.string().meta({ example: 'Too small: expected string to have >=1 characters' }),
      }),
    ),
  })
  .meta({ id: 'ValidationError' });

/** The body of the other error answers: what went wrong. */
export const errorBody = z
  .object({
    message: z.string().meta({ example: 'this route needs the operate role' }),
  })
  .meta({ id: 'Error' });
